package io.rtprofile.jobs.config;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one configuration file: YAML, nested or flat keys, with the job's defaults under it. */
class JobConfigurationTest {

    @TempDir Path dir;

    @Test
    void nestedAndFlatKeysMeanTheSame() throws IOException {
        Configuration nested =
                JobConfiguration.load(
                        write(
                                "rtprofile:\n"
                                        + "  merge:\n"
                                        + "    policy: precedence\n"
                                        + "  dedup:\n"
                                        + "    horizon: 2 h\n"
                                        + "  events.max-size: 1mb\n"
                                        + "state:\n"
                                        + "  backend:\n"
                                        + "    type: hashmap\n"));
        Configuration flat =
                JobConfiguration.load(
                        write(
                                "rtprofile.merge.policy: precedence\n"
                                        + "rtprofile.dedup.horizon: 2 h\n"
                                        + "rtprofile.events.max-size: 1mb\n"
                                        + "state.backend.type: hashmap\n"));

        assertThat(nested.toMap()).isEqualTo(flat.toMap());
        ProfileJobSettings settings = ProfileJobSettings.from(nested);
        assertThat(settings.mergePolicy()).isEqualTo(MergePolicy.PRECEDENCE);
        assertThat(settings.dedupHorizon()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.maxEventBytes()).isEqualTo(1024 * 1024);
        assertThat(nested.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    }

    @Test
    void yamlListsBecomeListOptions() throws IOException {
        Configuration config =
                JobConfiguration.load(
                        write(
                                "rtprofile:\n"
                                        + "  identity:\n"
                                        + "    namespaces: [crm, email, loyalty_card]\n"
                                        + "  merge:\n"
                                        + "    source-precedence:\n"
                                        + "      - pos\n"
                                        + "      - crm\n"
                                        + "      - web\n"));

        ProfileJobSettings settings = ProfileJobSettings.from(config);

        assertThat(settings.namespaces()).containsExactly("crm", "email", "loyalty_card");
        assertThat(settings.sourcePrecedence()).containsExactly("pos", "crm", "web");
    }

    @Test
    void scalarsOfEveryYamlTypeAreRead() throws IOException {
        Configuration config =
                JobConfiguration.load(
                        write(
                                "pipeline.object-reuse: false\n"
                                        + "parallelism.default: 3\n"
                                        + "execution.checkpointing.interval: 5 s\n"
                                        + "rtprofile.kafka.bootstrap-servers: localhost:9092\n"
                                        + "rtprofile.ignored: ~\n"));

        assertThat(config.get(PipelineOptions.OBJECT_REUSE)).isFalse();
        assertThat(config.getString("parallelism.default", null)).isEqualTo("3");
        assertThat(config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(config.get(RtProfileOptions.BOOTSTRAP_SERVERS)).isEqualTo("localhost:9092");
        assertThat(config.containsKey("rtprofile.ignored")).isFalse();
    }

    @Test
    void invalidValueNamesTheKey() throws IOException {
        Configuration config =
                JobConfiguration.load(write("rtprofile:\n  merge:\n    policy: newest\n"));

        assertThatThrownBy(() -> ProfileJobSettings.from(config))
                .hasMessageContaining("rtprofile.merge.policy");
        assertThatThrownBy(
                        () ->
                                ProfileJobSettings.from(
                                        JobConfiguration.load(
                                                write(
                                                        "rtprofile.identity.namespaces:"
                                                                + " [crm, CRM]\n"))))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Invalid setting rtprofile.identity.namespaces: 'CRM'");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> JobConfiguration.load(missing))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Configuration file not found: " + missing);
        assertThatThrownBy(() -> JobConfiguration.load(dir))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage("Configuration file not found: " + dir);
    }

    @Test
    void invalidYamlNamesTheFile() throws IOException {
        Path file = write("rtprofile:\n  merge: [unclosed\n");

        assertThatThrownBy(() -> JobConfiguration.load(file))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageStartingWith("Configuration file " + file + " is not valid YAML");
    }

    @Test
    void emptyFileIsAnEmptyConfiguration() throws IOException {
        assertThat(JobConfiguration.load(write("")).toMap()).isEmpty();
        assertThat(JobConfiguration.load(write("# only a comment\n")).toMap()).isEmpty();
    }

    @Test
    void jobDefaults() {
        Configuration config = JobConfiguration.withJobDefaults(new Configuration());

        assertThat(config.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(config.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
        assertThat(config.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(config.get(PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThat(config.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void userSettingsWinOverJobDefaults() throws IOException {
        Configuration user =
                JobConfiguration.load(
                        write(
                                "state.backend.type: hashmap\n"
                                        + "execution:\n"
                                        + "  checkpointing:\n"
                                        + "    incremental: false\n"
                                        + "    interval: 10 s\n"
                                        + "pipeline.generic-types: true\n"));

        Configuration config = JobConfiguration.withJobDefaults(user);

        assertThat(config.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
        assertThat(config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(config.get(PipelineOptions.GENERIC_TYPES)).isTrue();
        // What the user did not set keeps the job's default.
        assertThat(config.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aDeploymentLaysTheClustersSettingsBetweenTheDefaultsAndTheUsersFile() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        cluster.set(RtProfileOptions.BOOTSTRAP_SERVERS, "cluster:9092");
        cluster.set(RtProfileOptions.EVENTS_TOPIC, "cluster-events");
        Configuration user = new Configuration();
        user.set(RtProfileOptions.EVENTS_TOPIC, "user-events");

        Configuration config = JobConfiguration.forDeployment(cluster, user);

        assertThat(config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(RtProfileOptions.BOOTSTRAP_SERVERS)).isEqualTo("cluster:9092");
        assertThat(config.get(RtProfileOptions.EVENTS_TOPIC)).isEqualTo("user-events");
        // A default nobody overrode.
        assertThat(config.get(PipelineOptions.MAX_PARALLELISM))
                .isEqualTo(JobConfiguration.MAX_PARALLELISM);
    }
}
