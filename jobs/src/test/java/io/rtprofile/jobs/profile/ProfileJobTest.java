package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import java.util.Map;

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

    @Test
    void everyOperatorHasAUidAlsoWhenTheJobStopsAtTheLatestEvents() {
        Configuration config = JobConfiguration.withJobDefaults(new Configuration());
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, "localhost:9092");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///tmp/rtprofile-test");
        config.set(RtProfileOptions.STOP_AT_LATEST, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        ProfileJob.defineKafkaJob(
                env,
                config,
                SegmentCatalog.empty(),
                ModelCatalog.empty().with(Map.of("buyer", BUYER)));

        // The end markers of both feedback edges are operators too.
        assertThat(env.getStreamGraph().getJobGraph().getVertices()).isNotEmpty();
    }

    @Test
    void publishedModelDefinitionsWinAndKeepTheirText() {
        ModelCatalog fromPath = ModelCatalog.empty().with(Map.of("buyer", "(an older text)"));
        String yaml = BUYER.replace("Buys", "Buys soon");

        ModelCatalog catalog =
                ProfileJob.withPublished(fromPath, Map.of("buyer", yaml), "model-definitions");

        // The text as published: the trainer recognises the topic's replay by it.
        assertThat(catalog.texts()).containsExactly(Map.entry("buyer", yaml));
    }

    @Test
    void aBadPublishedModelDefinitionStopsTheStartNamingTopicKeyAndProblem() {
        Map<String, String> published =
                Map.of("buyer", BUYER.replace("ftrl-logistic", "magic"), "other", BUYER);

        assertThatThrownBy(
                        () ->
                                ProfileJob.withPublished(
                                        ModelCatalog.empty(), published, "model-definitions"))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessageContaining("Invalid model definitions on topic model-definitions")
                .hasMessageContaining("key 'buyer': model-definitions/buyer:3: unknown algorithm")
                .hasMessageContaining("key 'other': the definition's id is 'buyer'");
    }

    private static final String BUYER =
            "id: buyer\n"
                    + "name: Buys\n"
                    + "algorithm: ftrl-logistic\n"
                    + "features:\n"
                    + "  - name: carts\n"
                    + "    events: {where: event.type == \"commerce.addToCart\", within: 1h}\n"
                    + "label: {event: event.type == \"commerce.purchase\", within: 10m}\n";
}
