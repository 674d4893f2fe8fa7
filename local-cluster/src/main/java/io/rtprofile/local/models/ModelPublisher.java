package io.rtprofile.local.models;

import io.rtprofile.jobs.kafka.ModelDefinitionsTopic;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Adds, replaces and removes definitions on the compacted {@code model-definitions} topic, the way
 * a running job takes them in ({@code rtprofile models publish/remove}, the demo and the tests
 * share it). A definition is written as its canonical JSON ({@link ModelDefinition#source()}), so
 * that publishing the same definition again, in YAML or JSON, is recognised as unchanged and does
 * not restart its learning: the trainer starts a model afresh whenever its text changes.
 */
public final class ModelPublisher {

    /** The broker could not be reached, or refused to answer; the user has to fix that. */
    public static final class UnreachableException extends Exception {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What a publication or removal does: model ids by outcome, and the records to write (a null
     * text is a tombstone).
     */
    public record Outcome(
            List<String> added,
            List<String> replaced,
            List<String> unchanged,
            List<String> removed,
            List<String> notPublished,
            Map<String, String> writes) {}

    private static final long TIMEOUT_SECONDS = 10;

    private final String bootstrapServers;
    private final String topic;

    public ModelPublisher(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** Publishes {@code definitions} (already validated), creating the topic if it is missing. */
    public Outcome publish(List<ModelDefinition> definitions)
            throws UnreachableException, InterruptedException {
        ensureTopic();
        Outcome outcome = planPublication(read(), definitions);
        write(outcome);
        return outcome;
    }

    /** Writes tombstones for those of {@code ids} that are published. */
    public Outcome remove(List<String> ids) throws UnreachableException, InterruptedException {
        Outcome outcome = planRemoval(list(), ids);
        write(outcome);
        return outcome;
    }

    /** The definitions on the topic now: text by id (empty when there is no topic). */
    public Map<String, String> list() throws UnreachableException, InterruptedException {
        return topicExists() ? read() : Map.of();
    }

    /**
     * The publication of {@code definitions} over what the topic holds: each is written as its
     * canonical JSON; one whose canonical form equals the published one's is left alone.
     */
    public static Outcome planPublication(
            Map<String, String> current, List<ModelDefinition> definitions) {
        List<String> added = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<String, String> writes = new LinkedHashMap<>();
        for (ModelDefinition definition : definitions) {
            String text = definition.source();
            String before = current.get(definition.id());
            if (before == null) {
                added.add(definition.id());
                writes.put(definition.id(), text);
            } else if (text.equals(canonical(definition.id(), before))) {
                unchanged.add(definition.id());
            } else {
                replaced.add(definition.id());
                writes.put(definition.id(), text);
            }
        }
        return new Outcome(added, replaced, unchanged, List.of(), List.of(), writes);
    }

    /** The removal of {@code ids}: a tombstone for each published one. */
    public static Outcome planRemoval(Map<String, String> current, List<String> ids) {
        List<String> removed = new ArrayList<>();
        List<String> notPublished = new ArrayList<>();
        Map<String, String> writes = new LinkedHashMap<>();
        for (String id : new TreeSet<>(ids)) {
            if (current.containsKey(id)) {
                removed.add(id);
                writes.put(id, null);
            } else {
                notPublished.add(id);
            }
        }
        return new Outcome(List.of(), List.of(), List.of(), removed, notPublished, writes);
    }

    /** A published text as this tool would have written it; itself when it does not parse. */
    private static String canonical(String id, String text) {
        try {
            return ModelDefinitions.parseOne("model-definitions/" + id, text).source();
        } catch (ModelDefinitionException e) {
            return text;
        }
    }

    private void write(Outcome outcome) throws UnreachableException, InterruptedException {
        if (outcome.writes().isEmpty()) {
            return;
        }
        try {
            ModelDefinitionsTopic.publish(bootstrapServers, topic, outcome.writes());
        } catch (ExecutionException e) {
            throw new UnreachableException(
                    "cannot write to topic " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    private Map<String, String> read() throws InterruptedException, UnreachableException {
        try {
            return ModelDefinitionsTopic.readAll(bootstrapServers, topic);
        } catch (RuntimeException e) {
            throw new UnreachableException("cannot read topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the topic exists; first checks that the broker answers at all, so that an unreachable
     * one is reported after seconds, not after a client's minute of retries.
     */
    private boolean topicExists() throws UnreachableException, InterruptedException {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return admin.listTopics()
                    .names()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .contains(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(e);
        }
    }

    /**
     * Creates the topic compacted when it is missing: a broker's auto-creation would make it a
     * deleting topic, which loses definitions after the retention time.
     */
    private void ensureTopic() throws UnreachableException, InterruptedException {
        if (topicExists()) {
            return;
        }
        try (Admin admin = admin()) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(topic, Optional.of(1), Optional.empty())
                                            .configs(ModelDefinitionsTopic.topicConfig())))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw unreachable(e);
            }
        } catch (TimeoutException e) {
            throw unreachable(e);
        }
    }

    private Admin admin() throws UnreachableException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (TIMEOUT_SECONDS * 1000));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) (TIMEOUT_SECONDS * 1000));
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            String reason = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            throw new UnreachableException(
                    "bad bootstrap servers " + bootstrapServers + ": " + reason, e);
        }
    }

    private UnreachableException unreachable(Exception e) {
        Throwable cause =
                e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String reason =
                cause instanceof TimeoutException
                                || cause instanceof org.apache.kafka.common.errors.TimeoutException
                        ? "no answer within " + TIMEOUT_SECONDS + " s"
                        : cause.getMessage();
        return new UnreachableException(
                "cannot reach Kafka at " + bootstrapServers + ": " + reason, e);
    }
}
