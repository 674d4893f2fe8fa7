package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;
import io.rtprofile.schema.json.ProfileUpdateJson;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Updates as ever, tombstones as real Kafka tombstones with their reason in headers. */
class ProfileOutputSerializerTest {

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    private static final long T0 = 1_793_527_200_000L;

    private static final String TOPIC = "profile-updates";

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void anUpdateIsItsValueInTheConfiguredFormatKeyedByProfile(OutputFormat format)
            throws Exception {
        ProfileUpdate update = update("p-1");

        ProducerRecord<byte[], byte[]> record =
                new ProfileOutputSerializer(TOPIC, format)
                        .serialize(new ProfileOutput("p-1", update, null), null, T0);

        assertThat(record.topic()).isEqualTo(TOPIC);
        assertThat(record.key()).isEqualTo(utf8("p-1"));
        if (format == OutputFormat.AVRO) {
            assertThat(ProfileUpdate.fromByteBuffer(java.nio.ByteBuffer.wrap(record.value())))
                    .isEqualTo(update);
        } else {
            assertThat(new String(record.value(), StandardCharsets.UTF_8))
                    .isEqualTo(ProfileUpdateJson.toJson(update));
        }
        assertThat(record.timestamp()).isNull();
        assertThat(record.partition()).isNull();
        assertThat(record.headers().toArray()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(OutputFormat.class)
    void aMergedProfileIsATombstoneNamingItsSurvivor(OutputFormat format) {
        ProducerRecord<byte[], byte[]> record =
                new ProfileOutputSerializer(TOPIC, format)
                        .serialize(
                                new ProfileOutput(
                                        "p-absorbed",
                                        null,
                                        new Tombstone(TombstoneReason.merged, "p-survivor", T0)),
                                null,
                                T0);

        assertThat(record.key()).isEqualTo(utf8("p-absorbed"));
        assertThat(record.value()).isNull();
        assertThat(record.timestamp()).isNull();
        assertThat(headers(record))
                .containsExactly(
                        Map.entry("rtprofile-tombstone", "merged"),
                        Map.entry("rtprofile-at", "2026-11-01T10:00:00Z"),
                        Map.entry("rtprofile-survivor", "p-survivor"));
    }

    @Test
    void anErasedProfileIsATombstoneWithoutSurvivor() {
        ProducerRecord<byte[], byte[]> record =
                new ProfileOutputSerializer(TOPIC, OutputFormat.AVRO)
                        .serialize(
                                new ProfileOutput(
                                        "p-1",
                                        null,
                                        new Tombstone(TombstoneReason.erased, null, T0)),
                                null,
                                null);

        assertThat(record.key()).isEqualTo(utf8("p-1"));
        assertThat(record.value()).isNull();
        assertThat(headers(record))
                .containsExactly(
                        Map.entry("rtprofile-tombstone", "erased"),
                        Map.entry("rtprofile-at", "2026-11-01T10:00:00Z"));
        assertThat(ProfileOutputSerializer.TOMBSTONE_HEADER).isEqualTo("rtprofile-tombstone");
        assertThat(ProfileOutputSerializer.SURVIVOR_HEADER).isEqualTo("rtprofile-survivor");
    }

    @Test
    void anOutputMustBeEitherAnUpdateOrATombstone() {
        ProfileOutputSerializer serializer = new ProfileOutputSerializer(TOPIC, OutputFormat.AVRO);
        Tombstone tombstone = new Tombstone(TombstoneReason.erased, null, T0);

        assertThatThrownBy(
                        () -> serializer.serialize(new ProfileOutput("p-1", null, null), null, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-1")
                .hasMessageContaining("neither");
        assertThatThrownBy(
                        () ->
                                serializer.serialize(
                                        new ProfileOutput("p-1", update("p-1"), tombstone),
                                        null,
                                        T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");
    }

    static ProfileUpdate update(String profileId) {
        return ProfileUpdate.newBuilder()
                .setProfileId(profileId)
                .setVersion(3)
                .setUpdatedAt(T0)
                .setIdentities(List.of(new Identity("email", "ann@example.com")))
                .setAttributes(Map.of("country", "FR"))
                .setSegments(Map.of("s-1", new SegmentMembership(SegmentStatus.realized, T0)))
                .setSegmentChanges(List.of(new SegmentChange("s-1", SegmentStatus.realized, T0)))
                .setScores(Map.of())
                .build();
    }

    private static List<Map.Entry<String, String>> headers(ProducerRecord<byte[], byte[]> record) {
        return java.util.Arrays.stream(record.headers().toArray())
                .map(
                        (Header h) ->
                                Map.entry(h.key(), new String(h.value(), StandardCharsets.UTF_8)))
                .toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
