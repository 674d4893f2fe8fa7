package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the Kafka entry point refuses before it starts. */
class ProfileJobTest {

    @Test
    void refusesToStartWithoutDurableCheckpointStorage() {
        Configuration config = JobConfiguration.withJobDefaults(new Configuration());
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, "localhost:9092");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);

        assertThatThrownBy(() -> ProfileJob.defineKafkaJob(env, config))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
    }

    @Test
    void everyOperatorHasAUidWhenTheGraphIsBuilt() {
        Configuration config = JobConfiguration.withJobDefaults(new Configuration());
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, "localhost:9092");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///tmp/rtprofile-test");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        ProfileJob.defineKafkaJob(env, config, SegmentCatalog.empty());

        // With auto-generated UIDs off, building the job graph fails on any operator without one.
        assertThat(env.getStreamGraph().getJobGraph().getVertices()).isNotEmpty();
    }
}
