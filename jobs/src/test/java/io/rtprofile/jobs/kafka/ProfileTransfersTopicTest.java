package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.testing.SampleEvents;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The feedback topic: Avro both ways, loud on corrupt records, never bounded, idle watermarks. */
class ProfileTransfersTopicTest {

    private static final long T0 = 1_793_527_200_000L;

    @Test
    void aTransferRoundTripsKeyedByTheAbsorbedId() throws Exception {
        ProfileTransfer transfer = transfer();

        ProducerRecord<byte[], byte[]> written =
                new ProfileTransfersTopic.TransferSerializer("profile-transfers")
                        .serialize(transfer, null, T0);
        List<ProfileTransfer> read = new ArrayList<>();
        new ProfileTransfersTopic.TransferDeserializer()
                .deserialize(
                        new ConsumerRecord<>(
                                "profile-transfers", 1, 42L, written.key(), written.value()),
                        new ListCollector<>(read));

        assertThat(written.topic()).isEqualTo("profile-transfers");
        assertThat(new String(written.key(), StandardCharsets.UTF_8)).isEqualTo("p-absorbed");
        assertThat(written.timestamp()).isNull();
        assertThat(read).containsExactly(transfer);
    }

    @Test
    void aCorruptRecordFailsNamingTopicPartitionAndOffset() {
        var deserializer = new ProfileTransfersTopic.TransferDeserializer();
        byte[] notAvro = "{\"absorbedId\":\"p-1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] truncated = Arrays.copyOf(avro(transfer()), 14);

        for (byte[] value : List.of(notAvro, truncated)) {
            assertThatThrownBy(
                            () ->
                                    deserializer.deserialize(
                                            new ConsumerRecord<>(
                                                    "profile-transfers", 3, 17L, null, value),
                                            new ListCollector<>(new ArrayList<>())))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("profile-transfers-3 at offset 17")
                    .hasMessageContaining("not an Avro single-object ProfileTransfer");
        }
        assertThatThrownBy(
                        () ->
                                deserializer.deserialize(
                                        new ConsumerRecord<>(
                                                "profile-transfers",
                                                0,
                                                5L,
                                                "p-1".getBytes(StandardCharsets.UTF_8),
                                                null),
                                        new ListCollector<>(new ArrayList<>())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("profile-transfers-0 at offset 5")
                .hasMessageContaining("tombstone");
    }

    @Test
    void theSourceStaysOpenEvenWhenTheEventsStopAtLatest() throws Exception {
        Configuration config = new Configuration();
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, "localhost:9092");
        config.set(RtProfileOptions.CONSUMER_GROUP, "g");
        config.set(RtProfileOptions.PROFILE_TRANSFERS_TOPIC, "transfers-x");
        config.set(RtProfileOptions.STOP_AT_LATEST, true);

        KafkaSource<ProfileTransfer> source = ProfileTransfersTopic.source(config);

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(source.getProducedType()).isInstanceOf(AvroTypeInfo.class);
        Properties props = (Properties) field(source, "props");
        assertThat(props.getProperty("group.id")).isEqualTo("g-profile-transfers");
        assertThat(props.getProperty("isolation.level")).isEqualTo("read_committed");
        OffsetsInitializer starting =
                (OffsetsInitializer) field(source, "startingOffsetsInitializer");
        assertThat(starting.getAutoOffsetResetStrategy()).isEqualTo(OffsetResetStrategy.LATEST);
        assertThat(starting.getClass()).isEqualTo(OffsetsInitializer.timestamp(0).getClass());
    }

    @Test
    void theInputIsIdle() {
        WatermarkGenerator<ProfileTransfer> generator =
                ProfileTransfersTopic.watermarks()
                        // The generator needs nothing from its context.
                        .createWatermarkGenerator(null);
        List<String> seen = new ArrayList<>();
        WatermarkOutput out =
                new WatermarkOutput() {
                    @Override
                    public void emitWatermark(Watermark watermark) {
                        seen.add("watermark " + watermark.getTimestamp());
                    }

                    @Override
                    public void markIdle() {
                        seen.add("idle");
                    }

                    @Override
                    public void markActive() {
                        seen.add("active");
                    }
                };

        generator.onEvent(transfer(), T0, out);
        generator.onPeriodicEmit(out);

        assertThat(seen).containsExactly("idle");
    }

    @Test
    void theTopicIsDeletePolicyWithThirtyDaysAndRoomForLargeStates() {
        assertThat(ProfileTransfersTopic.topicConfig())
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", String.valueOf(30L * 24 * 3600 * 1000))
                .containsEntry("max.message.bytes", String.valueOf(16 * 1024 * 1024));
    }

    static ProfileTransfer transfer() {
        ProfileState state =
                ProfileState.newBuilder()
                        .setProfileId("p-absorbed")
                        .setVersion(4)
                        .setUpdatedAt(T0)
                        .setIdentities(List.of(new IdentityState("ecid", "c0ffee", T0, T0 + 1)))
                        .setAttributes(Map.of())
                        .build();
        return ProfileTransfer.newBuilder()
                .setAbsorbedId("p-absorbed")
                .setState(state)
                .setPendingEvents(
                        List.of(SampleEvents.event("e-1").identity("ecid", "c0ffee").build()))
                .build();
    }

    private static byte[] avro(ProfileTransfer transfer) {
        return ValueEncoding.avro(transfer, ProfileTransfer::toByteBuffer);
    }

    private static Object field(Object target, String name) throws Exception {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }
}
