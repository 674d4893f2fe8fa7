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

    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
}
