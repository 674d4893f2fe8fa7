package io.rtprofile.schema.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The one Jackson configuration used for the contract's JSON. */
final class Json {
    private Json() {}

    static final JsonFactory FACTORY =
            JsonFactory.builder()
                    // Hostile input must not be able to nest without bound or carry huge numbers.
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(64)
                                    .maxNumberLength(100)
                                    .build())
                    .build();

    /** Writes one JSON value with a generator. */
    interface Body {
        void write(JsonGenerator out) throws IOException;
    }

    /** One JSON text, as a string. */
    static String render(Body body) {
        StringWriter text = new StringWriter(512);
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Strict UTF-8: null for overlong forms, encoded surrogates and other malformed input. */
    static String strictUtf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Two JSON values on one line are an error, not one event and a silently dropped rest. */
    static final ObjectMapper MAPPER =
            new ObjectMapper(FACTORY)
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .FAIL_ON_TRAILING_TOKENS);
}
