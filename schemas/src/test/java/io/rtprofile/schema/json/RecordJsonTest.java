package io.rtprofile.schema.json;

import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.state.ProfileState;

import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Any Kafka value rtprofile reads or writes, rendered as the contract's JSON. */
class RecordJsonTest {

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    private static final long T0 = 1_793_527_200_000L;

    @Test
    void avroProfileUpdateRendersAsProfileUpdateJson() throws Exception {
        ProfileUpdate update = ProfileUpdateJsonTest.fullUpdate(new HashMap<>());

        String json = RecordJson.toJson(bytes(update.toByteBuffer()));

        assertThat(json).isEqualTo(ProfileUpdateJson.toJson(update));
    }

    @Test
    void avroEventRendersAsEventJson() throws Exception {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("country", "FR");
        attributes.put("tags", Arrays.asList("a", null, 2L));
        attributes.put("optOut", null);
        ExperienceEvent event =
                ExperienceEvent.newBuilder()
                        .setEventId("e-1")
                        .setTimestamp(T0)
                        .setType("web.search")
                        .setIdentities(List.of(new Identity("ecid", "c0ffee")))
                        .setSource("web")
                        .setAttributes(attributes)
                        .setProperties("{\"query\":\"red sneakers\"}")
                        .build();

        String json = RecordJson.toJson(bytes(event.toByteBuffer()));

        assertThat(json).isEqualTo(EventJson.toJson(event));
        assertThat(EventJson.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
    }

    @Test
    void avroRejectionRendersAsRejectedEventJson() throws Exception {
        RejectedEvent rejected =
                new RejectedEvent(
                        "not valid JSON: x",
                        ByteBuffer.wrap(new byte[] {'{', (byte) 0xFF}),
                        RejectedEventJsonTest.kafkaOrigin("events", 1, 7L),
                        T0);
        RejectedEvent utf8 =
                new RejectedEvent(
                        "empty record",
                        ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)),
                        EventOrigin.newBuilder().setFile("in.jsonl").setLine(3L).build(),
                        T0);

        assertThat(RecordJson.toJson(bytes(rejected.toByteBuffer())))
                .isEqualTo(RejectedEventJson.toJson(rejected))
                .contains("\"originalBase64\":\"e/8=\"");
        assertThat(RecordJson.toJson(bytes(utf8.toByteBuffer())))
                .isEqualTo(RejectedEventJson.toJson(utf8))
                .contains("\"original\":\"{}\"");
    }

    @Test
    void plainJsonIsReturnedAsIs() {
        String json = "{\"eventId\": \"é-1\",  \"odd\": [1,2 , 3]}\n";

        assertThat(RecordJson.toJson(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(json);
        // Starts like the marker but too short to carry a fingerprint: not single-object.
        byte[] shortValue = {(byte) 0xC3, 0x01, 'a', 'b'};
        assertThat(RecordJson.isSingleObjectEncoded(shortValue)).isFalse();
        assertThat(RecordJson.toJson(shortValue))
                .isEqualTo(new String(shortValue, StandardCharsets.UTF_8));
    }

    @Test
    void tombstoneIsJsonNull() {
        assertThat(RecordJson.toJson(null)).isEqualTo("null");
    }

    @Test
    void unknownFingerprintIsRefused() throws Exception {
        // A real single-object record, of a schema that is never on a topic (profile state).
        ProfileState state =
                ProfileState.newBuilder()
                        .setProfileId("p-1")
                        .setVersion(1)
                        .setUpdatedAt(T0)
                        .setIdentities(List.of())
                        .setAttributes(Map.of())
                        .build();
        byte[] value = bytes(state.toByteBuffer());
        long fingerprint = SchemaNormalization.parsingFingerprint64(ProfileState.getClassSchema());

        assertThat(RecordJson.isSingleObjectEncoded(value)).isTrue();
        assertThat(RecordJson.fingerprintOf(value)).isEqualTo(fingerprint);
        assertThatThrownBy(() -> RecordJson.toJson(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown schema fingerprint")
                .hasMessageContaining(Long.toHexString(fingerprint));
    }

    @Test
    void fingerprintIsTheOneSingleObjectEncodingWrites() throws Exception {
        ProfileUpdate update = ProfileUpdateJsonTest.fullUpdate(new HashMap<>());
        byte[] value = bytes(update.toByteBuffer());

        assertThat(RecordJson.fingerprintOf(value))
                .isEqualTo(RecordJson.fingerprint(ProfileUpdate.getClassSchema()));
        assertThat(RecordJson.fingerprint(ProfileUpdate.getClassSchema()))
                .isNotEqualTo(RecordJson.fingerprint(ExperienceEvent.getClassSchema()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
