package io.rtprofile.schema.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    /** Two JSON values on one line are an error, not one event and a silently dropped rest. */
    static final ObjectMapper MAPPER =
            new ObjectMapper(FACTORY)
                    .enable(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                    .FAIL_ON_TRAILING_TOKENS);
}
