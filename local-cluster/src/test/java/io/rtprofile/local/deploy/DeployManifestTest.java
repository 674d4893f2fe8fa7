package io.rtprofile.local.deploy;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.kafka.ModelDefinitionsTopic;
import io.rtprofile.jobs.kafka.ModelsTopic;
import io.rtprofile.jobs.kafka.ProfileTransfersTopic;
import io.rtprofile.jobs.kafka.TrainingExamplesTopic;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps deploy/kubernetes honest: every configuration key in the manifests is an option Flink, the
 * operator or the job knows, with a value it parses; the job's file and the operator agree on the
 * checkpoint and savepoint directories; the image puts the jar where the manifest looks; and the
 * topics are the job's, with the settings its code asks for.
 */
class DeployManifestTest {
    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * Options of the Flink Kubernetes Operator, which only the operator reads (its classes are not
     * on this classpath); from its configuration reference.
     */
    private static final Set<String> OPERATOR_OPTIONS =
            Set.of(
                    "kubernetes.operator.periodic.savepoint.interval",
                    "kubernetes.operator.savepoint.history.max.count");

    @Test
    void everyFlinkConfigurationKeyIsAFlinkOrOperatorOptionWithAValidValue() throws Exception {
        JsonNode deployment = YAML.readTree(DIR.resolve("flink-deployment.yaml").toFile());
        assertThat(deployment.get("kind").asText()).isEqualTo("FlinkDeployment");
        Map<String, String> flinkConfiguration = strings(deployment.at("/spec/flinkConfiguration"));
        Map<String, ConfigOption<?>> known = flinkOptions();

        List<String> unknown = new ArrayList<>();
        Configuration parsed = Configuration.fromMap(flinkConfiguration);
        for (String key : flinkConfiguration.keySet()) {
            if (OPERATOR_OPTIONS.contains(key)) {
                continue;
            }
            ConfigOption<?> option = known.get(key);
            if (option == null) {
                unknown.add(key);
            } else {
                // Throws with the key when the value does not parse as the option's type.
                parsed.get(option);
            }
        }
        assertThat(unknown).as("keys no Flink option class declares").isEmpty();
    }

    @Test
    void theJobsFileHoldsOnlyKnownOptionsAndAgreesWithTheOperatorOnDirectories() throws Exception {
        JsonNode deployment = YAML.readTree(DIR.resolve("flink-deployment.yaml").toFile());
        Configuration jobFile = jobFile();

        Map<String, ConfigOption<?>> flink = flinkOptions();
        Map<String, ConfigOption<?>> rtprofile = options(RtProfileOptions.class);
        List<String> unknown = new ArrayList<>();
        for (String key : jobFile.keySet()) {
            ConfigOption<?> option =
                    key.startsWith("rtprofile.") ? rtprofile.get(key) : flink.get(key);
            if (option == null) {
                unknown.add(key);
            } else {
                jobFile.get(option);
            }
        }
        assertThat(unknown).as("keys of rtprofile.yaml no option declares").isEmpty();
        // Validates every rtprofile value the way the job does at start.
        ProfileJobSettings.from(JobConfiguration.withJobDefaults(jobFile));

        Map<String, String> cluster = strings(deployment.at("/spec/flinkConfiguration"));
        for (ConfigOption<String> dir :
                List.of(
                        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                        CheckpointingOptions.SAVEPOINT_DIRECTORY)) {
            assertThat(jobFile.get(dir))
                    .as("%s in the job's file and in flinkConfiguration", dir.key())
                    .isNotNull()
                    .isEqualTo(cluster.get(dir.key()));
        }
        // A checkpoint must end well within a Kafka transaction's life (docs/deploy.md).
        assertThat(jobFile.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT))
                .isLessThan(jobFile.get(RtProfileOptions.TRANSACTION_TIMEOUT));

        JsonNode job = deployment.at("/spec/job");
        assertThat(job.get("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(Class.forName(job.get("entryClass").asText()).getMethod("main", String[].class))
                .isNotNull();
        List<String> args = new ArrayList<>();
        job.get("args").forEach(a -> args.add(a.asText()));
        JsonNode mount =
                deployment.at("/spec/podTemplate/spec/containers/0/volumeMounts/0/mountPath");
        assertThat(args).containsExactly("--config", mount.asText() + "/rtprofile.yaml");
        assertThat(job.get("parallelism").asInt())
                .isLessThanOrEqualTo(JobConfiguration.MAX_PARALLELISM);
    }

    @Test
    void theImagePutsTheJobJarWhereTheManifestLooks() throws Exception {
        JsonNode deployment = YAML.readTree(DIR.resolve("flink-deployment.yaml").toFile());
        String jar = deployment.at("/spec/job/jarURI").asText();
        assertThat(jar).startsWith("local:///opt/flink/usrlib/");
        String dockerfile = Files.readString(DIR.resolve("Dockerfile"));
        assertThat(dockerfile)
                .contains("FROM ${FLINK_IMAGE}")
                .contains(" " + jar.substring("local://".length()) + "\n")
                .contains("jobs/target/rtprofile-jobs-*-job.jar")
                .contains("flink-s3-fs-presto");
        // The image's Flink is the one the job is built against (Flink is provided by the image).
        String flinkVersion = EnvironmentInformation.getVersion();
        assertThat(flinkVersion).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(dockerfile).contains("ARG FLINK_IMAGE=flink:" + flinkVersion + "-java17");
        String[] majorMinor = flinkVersion.split("\\.");
        assertThat(deployment.at("/spec/flinkVersion").asText())
                .isEqualTo("v" + majorMinor[0] + "_" + majorMinor[1]);
    }

    @Test
    void theTopicsAreTheJobsWithTheSettingsItsCodeAsksFor() throws Exception {
        Map<String, JsonNode> topics = new TreeMap<>();
        Iterator<JsonNode> docs =
                YAML.readerFor(JsonNode.class)
                        .readValues(DIR.resolve("kafka-topics.yaml").toFile());
        while (docs.hasNext()) {
            JsonNode doc = docs.next();
            if (doc == null || doc.isMissingNode() || doc.isEmpty()) {
                continue;
            }
            assertThat(doc.get("kind").asText()).isEqualTo("KafkaTopic");
            topics.put(doc.at("/metadata/name").asText(), doc.get("spec"));
        }
        Configuration jobFile = jobFile();
        Map<String, Map<String, String>> required = new HashMap<>();
        required.put(
                RtProfileOptions.PROFILE_UPDATES_TOPIC.defaultValue(),
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        required.put(
                RtProfileOptions.SEGMENT_DEFINITIONS_TOPIC.defaultValue(),
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        required.put(
                RtProfileOptions.PROFILE_TRANSFERS_TOPIC.defaultValue(),
                ProfileTransfersTopic.topicConfig());
        required.put(RtProfileOptions.MODELS_TOPIC.defaultValue(), ModelsTopic.topicConfig());
        required.put(
                RtProfileOptions.MODEL_DEFINITIONS_TOPIC.defaultValue(),
                ModelDefinitionsTopic.topicConfig());
        required.put(
                RtProfileOptions.TRAINING_EXAMPLES_TOPIC.defaultValue(),
                Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TrainingExamplesTopic.topicConfig()
                                .get(TopicConfig.CLEANUP_POLICY_CONFIG)));

        Set<String> jobTopics = new HashSet<>();
        for (ConfigOption<?> option : options(RtProfileOptions.class).values()) {
            if (option.key().startsWith("rtprofile.topics.")) {
                String name = (String) option.defaultValue();
                jobTopics.add(name);
                // The deployment uses the defaults, so the names here are the job's.
                assertThat(jobFile.getString(option.key(), name)).isEqualTo(name);
            }
        }
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(jobTopics);

        topics.forEach(
                (name, spec) -> {
                    Map<String, String> config = strings(spec.get("config"));
                    assertThat(spec.get("replicas").asInt()).as("%s replicas", name).isEqualTo(3);
                    assertThat(config)
                            .as("%s", name)
                            .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
                            .containsEntry(
                                    TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "false");
                    required.getOrDefault(name, Map.of())
                            .forEach(
                                    (key, value) -> {
                                        if (key.equals(TopicConfig.RETENTION_MS_CONFIG)
                                                || key.equals(
                                                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG)) {
                                            assertThat(Long.parseLong(config.get(key)))
                                                    .as("%s %s", name, key)
                                                    .isGreaterThanOrEqualTo(Long.parseLong(value));
                                        } else {
                                            assertThat(config)
                                                    .as("%s", name)
                                                    .containsEntry(key, value);
                                        }
                                    });
                });
        // The events topic's partitions bound the source's useful parallelism.
        JsonNode deployment = YAML.readTree(DIR.resolve("flink-deployment.yaml").toFile());
        assertThat(deployment.at("/spec/job/parallelism").asInt())
                .isLessThanOrEqualTo(topics.get("events").get("partitions").asInt());
        // The script creates the same topics.
        String script = Files.readString(DIR.resolve("create-topics.sh"));
        jobTopics.forEach(t -> assertThat(script).contains("\ncreate " + t + " "));
        Duration timeout = jobFile.get(RtProfileOptions.TRANSACTION_TIMEOUT);
        assertThat(Files.readString(DIR.resolve("kafka-topics.yaml")))
                .contains("transaction.max.timeout.ms: 3600000");
        assertThat(timeout).isLessThanOrEqualTo(Duration.ofHours(1));
    }

    /** The ConfigMap's rtprofile.yaml, read as the job reads its --config file. */
    private static Configuration jobFile() throws IOException {
        JsonNode configMap = YAML.readTree(DIR.resolve("rtprofile-config.yaml").toFile());
        Path file = Files.createTempFile("rtprofile", ".yaml");
        try {
            Files.writeString(file, configMap.at("/data/rtprofile.yaml").asText());
            return JobConfiguration.load(file);
        } finally {
            Files.delete(file);
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /**
     * Every option of Flink's configuration package (the {@code *Options} classes next to {@link
     * CoreOptions}) and of the RocksDB state backend, by key and by fallback key (not by deprecated
     * key).
     */
    private static Map<String, ConfigOption<?>> flinkOptions()
            throws IOException, URISyntaxException, ClassNotFoundException {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        Path jar =
                Path.of(
                        CoreOptions.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Iterator<JarEntry> it = file.entries().asIterator(); it.hasNext(); ) {
                String name = it.next().getName();
                if (name.startsWith("org/apache/flink/configuration/")
                        && name.endsWith("Options.class")
                        && name.indexOf('/', "org/apache/flink/configuration/".length()) < 0) {
                    String className = name.replace('/', '.').replace(".class", "");
                    options.putAll(options(Class.forName(className)));
                }
            }
        }
        options.putAll(options(RocksDBOptions.class));
        options.putAll(options(RocksDBConfigurableOptions.class));
        return options;
    }

    private static Map<String, ConfigOption<?>> options(Class<?> holder) {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    options.put(option.key(), option);
                    // A deprecated key still works, but the manifest should not teach it.
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        if (!fallback.isDeprecated()) {
                            options.putIfAbsent(fallback.getKey(), option);
                        }
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return options;
    }
}
