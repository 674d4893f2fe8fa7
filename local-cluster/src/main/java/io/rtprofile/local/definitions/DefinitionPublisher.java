package io.rtprofile.local.definitions;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Adds, replaces and removes definitions on a compacted definitions topic keyed by id, the way a
 * running job takes them in ({@code rtprofile segments|models publish/remove/list}, the demo and
 * the tests share it). A definition is written as its kind's canonical text, so that publishing the
 * same one again is recognised as unchanged. Where definitions refer to others ({@link
 * DefinitionKind#refersToOthers()}), nothing is written unless every definition being published
 * would be in force, and nothing is removed that a remaining definition still needs (unless
 * forced): the job would otherwise keep such a definition aside, silently.
 *
 * @param <D> a parsed definition, of the kind given
 */
public class DefinitionPublisher<D> {

    /** The broker could not be reached, or refused to answer; the user has to fix that. */
    public static final class UnreachableException extends Exception {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What a publication or removal does (or would have done, when refused): ids by outcome, the
     * records to write (a null text is a tombstone) and the reasons for a refusal.
     */
    public record Outcome(
            List<String> added,
            List<String> replaced,
            List<String> unchanged,
            List<String> removed,
            List<String> notPublished,
            List<String> refusals,
            Map<String, String> writes) {
        public boolean refused() {
            return !refusals.isEmpty();
        }
    }

    private static final long TIMEOUT_SECONDS = 10;

    private final String bootstrapServers;
    private final String topic;
    private final DefinitionKind<D> kind;

    public DefinitionPublisher(String bootstrapServers, String topic, DefinitionKind<D> kind) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.kind = kind;
    }

    public String topic() {
        return topic;
    }

    /** Publishes {@code definitions}, creating the topic if it is missing. */
    public Outcome publish(List<D> definitions) throws UnreachableException, InterruptedException {
        return publish(definitions, list());
    }

    /**
     * Publishes {@code definitions} over {@code published}, what {@link #list()} just returned,
     * without reading the topic again.
     */
    public Outcome publish(List<D> definitions, Map<String, String> published)
            throws UnreachableException, InterruptedException {
        ensureTopic();
        Outcome outcome = planPublication(kind, published, definitions);
        write(outcome);
        return outcome;
    }

    /** Writes tombstones for {@code ids}, unless a remaining definition needs one of them. */
    public Outcome remove(List<String> ids, boolean force)
            throws UnreachableException, InterruptedException {
        Outcome outcome = planRemoval(kind, list(), ids, force);
        write(outcome);
        return outcome;
    }

    /** The definitions on the topic now: text by id (empty when there is no topic). */
    public Map<String, String> list() throws UnreachableException, InterruptedException {
        return topicExists() ? read() : Map.of();
    }

    /**
     * The publication of {@code definitions} over what the topic holds: each is written as its
     * canonical text; one whose canonical text equals the published one's is left alone.
     */
    public static <D> Outcome planPublication(
            DefinitionKind<D> kind, Map<String, String> current, List<D> definitions) {
        List<String> added = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<String, String> writes = new LinkedHashMap<>();
        Map<String, String> rendered = new TreeMap<>();
        for (D definition : definitions) {
            String id = kind.id(definition);
            String text = kind.render(definition);
            rendered.put(id, text);
            String before = current.get(id);
            if (before == null) {
                added.add(id);
                writes.put(id, text);
            } else if (text.equals(kind.canonical(id, before))) {
                unchanged.add(id);
            } else {
                replaced.add(id);
                writes.put(id, text);
            }
        }
        List<String> refusals = new ArrayList<>();
        if (kind.refersToOthers()) {
            DefinitionKind.Resolution resolution = kind.resolve(overlay(current, rendered));
            for (String id : rendered.keySet()) {
                if (!resolution.names().containsKey(id)) {
                    refusals.add(resolution.reason(id));
                }
            }
        }
        return new Outcome(added, replaced, unchanged, List.of(), List.of(), refusals, writes);
    }

    /**
     * The removal of {@code ids}: a tombstone for each published one. Where definitions refer to
     * others, refused when a definition in force now would no longer be (it refers, perhaps through
     * others, to a removed one), unless {@code force}.
     */
    public static Outcome planRemoval(
            DefinitionKind<?> kind, Map<String, String> current, List<String> ids, boolean force) {
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
        List<String> refusals = new ArrayList<>();
        if (kind.refersToOthers() && !force) {
            Set<String> activeBefore = kind.resolve(current).names().keySet();
            DefinitionKind.Resolution after = kind.resolve(overlay(current, writes));
            for (String id : activeBefore) {
                if (!removed.contains(id) && !after.names().containsKey(id)) {
                    refusals.add(after.reason(id));
                }
            }
        }
        return new Outcome(
                List.of(), List.of(), List.of(), removed, notPublished, refusals, writes);
    }

    /** {@code current} with {@code changes} applied: a null text removes the id. */
    private static Map<String, String> overlay(
            Map<String, String> current, Map<String, String> changes) {
        Map<String, String> texts = new TreeMap<>(current);
        texts.putAll(changes);
        texts.values().removeIf(Objects::isNull);
        return texts;
    }

    private void write(Outcome outcome) throws UnreachableException, InterruptedException {
        if (outcome.refused() || outcome.writes().isEmpty()) {
            return;
        }
        try {
            kind.write(bootstrapServers, topic, outcome.writes());
        } catch (ExecutionException e) {
            throw new UnreachableException(
                    "cannot write to topic " + topic + ": " + e.getCause().getMessage(), e);
        }
    }

    private Map<String, String> read() throws InterruptedException, UnreachableException {
        try {
            return kind.readAll(bootstrapServers, topic);
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
                                            .configs(
                                                    Map.of(
                                                            TopicConfig.CLEANUP_POLICY_CONFIG,
                                                            TopicConfig.CLEANUP_POLICY_COMPACT))))
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
