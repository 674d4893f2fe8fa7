package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.ModelDefinitionChange;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The models topics: versions (removals included) round-trip as Avro keyed by model id, the source
 * starts at the job's definition and never ends by offsets, examples are keyed by model id,
 * definitions decode with tombstones as removals.
 */
class ModelsTopicTest {

    private static final long T0 = 1_793_527_200_000L;

    @Test
    void versionsAndRemovalsRoundTripKeyedByModelId() throws Exception {
        Model version =
                Model.newBuilder()
                        .setModelId("buyer")
                        .setVersion(3)
                        .setDefinition("id: buyer")
                        .setPublishedAt(T0)
                        .setExamples(150)
                        .setWeights(Map.of("(bias)", -1.5, "carts", 0.7))
                        .setScoreQuantiles(List.of(0.1, 0.2))
                        .setRecentLogLoss(0.4)
                        .setRecentPositiveRate(0.3)
                        .build();
        Model removal =
                Model.newBuilder()
                        .setModelId("buyer")
                        .setVersion(4)
                        .setDefinition(null)
                        .setPublishedAt(T0 + 1)
                        .build();
        var serializer = new ModelsTopic.ModelSerializer("models");
        List<Model> read = new ArrayList<>();
        for (Model model : List.of(version, removal)) {
            ProducerRecord<byte[], byte[]> written = serializer.serialize(model, null, T0);
            assertThat(written.topic()).isEqualTo("models");
            assertThat(new String(written.key(), StandardCharsets.UTF_8)).isEqualTo("buyer");
            // The source's starting position relies on the producer's append time.
            assertThat(written.timestamp()).isNull();
            assertThat(written.value()).as("a removal is a value, with its version").isNotNull();
            new ModelsTopic.ModelDeserializer()
                    .deserialize(
                            new ConsumerRecord<>("models", 0, 1L, written.key(), written.value()),
                            new ListCollector<>(read));
        }

        assertThat(read).containsExactly(version, removal);
    }

    @Test
    void aTombstoneIsSkippedAndACorruptRecordFailsNamingIt() throws Exception {
        var deserializer = new ModelsTopic.ModelDeserializer();
        List<Model> read = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("models", 0, 5L, bytes("buyer"), null),
                new ListCollector<>(read));
        assertThat(read).isEmpty();

        assertThatThrownBy(
                        () ->
                                deserializer.deserialize(
                                        new ConsumerRecord<>(
                                                "models", 2, 17L, bytes("buyer"), bytes("{}")),
                                        new ListCollector<>(read)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("models-2 at offset 17")
                .hasMessageContaining("not an Avro single-object Model");
    }

    @Test
    void theSourceStartsAtTheJobsDefinitionAndIsNeverBoundedByOffsets() throws Exception {
        Configuration config = config();
        config.set(RtProfileOptions.STOP_AT_LATEST, true);

        KafkaSource<Model> source = ModelsTopic.source(config);

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        Properties props = (Properties) field(source, "props");
        assertThat(props.getProperty("group.id")).isEqualTo("g-models");
        assertThat(props.getProperty("isolation.level")).isEqualTo("read_committed");
        OffsetsInitializer starting =
                (OffsetsInitializer) field(source, "startingOffsetsInitializer");
        assertThat(starting.getClass()).isEqualTo(OffsetsInitializer.timestamp(0).getClass());
    }

    @Test
    void theEndMarkerIsNoModel() {
        assertThat(ModelsTopic.isEndMarker(ModelsTopic.endMarker())).isTrue();
        assertThat(
                        ModelsTopic.isEndMarker(
                                Model.newBuilder()
                                        .setModelId("buyer")
                                        .setVersion(1)
                                        .setPublishedAt(T0)
                                        .build()))
                .isFalse();
    }

    @Test
    void topicsAreCompactedOrDeletePolicyAsTheirContentNeeds() {
        assertThat(ModelsTopic.topicConfig())
                .containsEntry("cleanup.policy", "compact")
                .containsEntry("max.message.bytes", String.valueOf(8 * 1024 * 1024));
        assertThat(ModelDefinitionsTopic.topicConfig()).containsEntry("cleanup.policy", "compact");
        assertThat(TrainingExamplesTopic.topicConfig())
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", String.valueOf(7L * 24 * 3600 * 1000));
    }

    @Test
    void examplesAreKeyedByModelIdAsAvro() throws Exception {
        TrainingExample example =
                new TrainingExample(
                        "buyer", "p-1", T0, T0 + 60_000, true, T0 + 30_000, 2L, Map.of("x", 1.0));

        ProducerRecord<byte[], byte[]> written =
                new TrainingExamplesTopic.ExampleSerializer("training-examples")
                        .serialize(example, null, T0);

        assertThat(new String(written.key(), StandardCharsets.UTF_8)).isEqualTo("buyer");
        assertThat(written.timestamp()).isNull();
        assertThat(TrainingExample.fromByteBuffer(ByteBuffer.wrap(written.value())))
                .isEqualTo(example);
    }

    @Test
    void definitionRecordsAreChangesAndTombstonesRemovals() throws Exception {
        Configuration config = config();
        KafkaSource<ModelDefinitionChange> source = ModelDefinitionsTopic.source(config);
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        config.set(RtProfileOptions.STOP_AT_LATEST, true);
        assertThat(ModelDefinitionsTopic.source(config).getBoundedness())
                .isEqualTo(Boundedness.BOUNDED);

        List<ModelDefinitionChange> read = new ArrayList<>();
        var deserializer = new ModelDefinitionsTopic.ChangeDeserializer();
        deserializer.deserialize(
                new ConsumerRecord<>("model-definitions", 0, 0L, bytes("buyer"), bytes("id: b")),
                new ListCollector<>(read));
        deserializer.deserialize(
                new ConsumerRecord<>("model-definitions", 0, 1L, bytes("buyer"), null),
                new ListCollector<>(read));
        deserializer.deserialize(
                new ConsumerRecord<>("model-definitions", 0, 2L, null, bytes("id: b")),
                new ListCollector<>(read));

        assertThat(read)
                .containsExactly(
                        new ModelDefinitionChange("buyer", "id: b"),
                        new ModelDefinitionChange("buyer", null));
    }

    private static Configuration config() {
        Configuration config = new Configuration();
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, "localhost:9092");
        config.set(RtProfileOptions.CONSUMER_GROUP, "g");
        return config;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object field(Object target, String name) throws Exception {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }
}
