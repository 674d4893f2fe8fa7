package io.rtprofile.local.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of the local cluster that need no process: configuration and restore paths. */
class LocalClusterTest {

    @Test
    void flinkConfigurationKeepsCheckpointsAndSavepointsInTheHome(@TempDir Path root) {
        ClusterHome home = new ClusterHome(root);
        Map<String, String> conf = ClusterSettings.defaults().flinkConfiguration(home);

        assertThat(conf)
                .containsEntry("rest.port", "8081")
                .containsEntry("taskmanager.numberOfTaskSlots", "2")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry(
                        "execution.checkpointing.dir",
                        root.resolve("checkpoints").toUri().toString())
                .containsEntry(
                        "execution.checkpointing.savepoint-dir",
                        root.resolve("savepoints").toUri().toString())
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION");
    }

    @Test
    void brokerIsOneKraftNodeThatTransactionalProducersCanUse(@TempDir Path root) {
        Map<String, String> props =
                ClusterSettings.defaults()
                        .withPorts(1, 2, 3, 4)
                        .brokerProperties(new ClusterHome(root));

        assertThat(props)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("listeners", "PLAINTEXT://localhost:3,CONTROLLER://localhost:4")
                .containsEntry("controller.quorum.bootstrap.servers", "localhost:4")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("auto.create.topics.enable", "false");
    }

    @Test
    void restoresAJobsCheckpointDirectoryFromItsLatestCompleteCheckpoint(@TempDir Path job)
            throws IOException {
        for (String chk : new String[] {"chk-9", "chk-10", "chk-11"}) {
            Files.createDirectories(job.resolve(chk));
        }
        Files.createFile(job.resolve("chk-9").resolve("_metadata"));
        Files.createFile(job.resolve("chk-10").resolve("_metadata"));
        // chk-11 has no _metadata: the cluster stopped while it was being written.

        assertThat(LocalCluster.restorePath(job.toString()))
                .isEqualTo(job.resolve("chk-10").toUri().toString());
        assertThat(LocalCluster.restorePath(job.toUri().toString()))
                .isEqualTo(job.resolve("chk-10").toUri().toString());
        String savepoint = job.resolve("chk-9").toString();
        assertThat(LocalCluster.restorePath(savepoint)).isEqualTo(savepoint);
        assertThat(LocalCluster.restorePath("s3://bucket/savepoint-1"))
                .isEqualTo("s3://bucket/savepoint-1");
    }

    @Test
    void aDirectoryWithoutCheckpointsIsNoRestorePath(@TempDir Path empty) {
        assertThatThrownBy(() -> LocalCluster.restorePath(empty.toString()))
                .isInstanceOf(ClusterException.class)
                .hasMessageStartingWith("no savepoint and no complete checkpoint in ");
    }

    @Test
    void restErrorsAreTheirInnermostCause() throws IOException {
        var json =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(
                                "{\"errors\":[\"Internal server error.\",\"<Exception on server"
                                        + " side:\\norg.apache.flink.client.program."
                                        + "ProgramInvocationException: The main method caused an"
                                        + " error\\n\\tat x\\nCaused by: java.io"
                                        + ".FileNotFoundException: Cannot find checkpoint\\n\\tat"
                                        + " y\\n>\"]}");

        assertThat(FlinkRestClient.errorMessage(json))
                .isEqualTo("java.io.FileNotFoundException: Cannot find checkpoint");
    }
}
