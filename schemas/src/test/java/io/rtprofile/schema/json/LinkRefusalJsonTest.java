package io.rtprofile.schema.json;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.LinkRefusal;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Refused identity links as JSON, and as {@code rtprofile consume} shows their Avro form. */
class LinkRefusalJsonTest {

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    private static final long T0 = 1_793_527_200_000L;

    private static final LinkRefusal REFUSAL =
            new LinkRefusal(
                    "e-42",
                    T0 + 5,
                    List.of(
                            new Identity("crm", "C-1"),
                            new Identity("crm", "C-2"),
                            new Identity("email", "ann@example.com")),
                    List.of("C-1", "C-2"),
                    List.of("p-1", "p-2"),
                    "p-1");

    @Test
    void rendersEveryFieldWithAnIsoTimestamp() {
        assertThat(LinkRefusalJson.toJson(REFUSAL))
                .isEqualTo(
                        "{\"eventId\":\"e-42\",\"timestamp\":\"2026-11-01T10:00:00.005Z\","
                                + "\"identities\":[{\"namespace\":\"crm\",\"id\":\"C-1\"},"
                                + "{\"namespace\":\"crm\",\"id\":\"C-2\"},"
                                + "{\"namespace\":\"email\",\"id\":\"ann@example.com\"}],"
                                + "\"crmIds\":[\"C-1\",\"C-2\"],\"profileIds\":[\"p-1\",\"p-2\"],"
                                + "\"routedTo\":\"p-1\"}");
    }

    @Test
    void avroSingleObjectValuesRenderTheSame() throws Exception {
        ByteBuffer encoded = REFUSAL.toByteBuffer();
        byte[] value = new byte[encoded.remaining()];
        encoded.get(value);

        assertThat(RecordJson.toJson(value)).isEqualTo(LinkRefusalJson.toJson(REFUSAL));
    }
}
