package io.rtprofile.schema.json;

import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.RejectedEvent;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A rejected record as JSON. The original bytes are written as text when they are valid UTF-8
 * ({@code "original"}) and as base64 otherwise ({@code "originalBase64"}), so nothing is lost.
 */
public final class RejectedEventJson {
    private RejectedEventJson() {}

    public static String toJson(RejectedEvent rejected) {
        return Json.render(out -> write(out, rejected));
    }

    static void write(JsonGenerator out, RejectedEvent rejected) throws IOException {
        out.writeStartObject();
        EventOrigin origin = rejected.getOrigin();
        if (origin.getFile() != null) {
            out.writeStringField("file", origin.getFile());
        }
        if (origin.getLine() != null) {
            out.writeNumberField("line", origin.getLine());
        }
        if (origin.getTopic() != null) {
            out.writeStringField("topic", origin.getTopic());
        }
        if (origin.getPartition() != null) {
            out.writeNumberField("partition", origin.getPartition());
        }
        if (origin.getOffset() != null) {
            out.writeNumberField("offset", origin.getOffset());
        }
        out.writeStringField("reason", rejected.getReason());
        ByteBuffer original = rejected.getOriginal().duplicate();
        byte[] bytes = new byte[original.remaining()];
        original.get(bytes);
        String text = Json.strictUtf8OrNull(bytes);
        if (text != null) {
            out.writeStringField("original", text);
        } else {
            out.writeStringField("originalBase64", Base64.getEncoder().encodeToString(bytes));
        }
        out.writeStringField("rejectedAt", Timestamps.format(rejected.getRejectedAt()));
        out.writeEndObject();
    }
}
