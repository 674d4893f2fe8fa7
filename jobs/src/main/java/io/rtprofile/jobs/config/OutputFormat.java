package io.rtprofile.jobs.config;

/** Encoding of the values the job writes to Kafka. */
public enum OutputFormat {
    /** Avro single-object encoding (magic bytes C3 01, schema fingerprint): the default. */
    AVRO,
    /** The contract's JSON, UTF-8. */
    JSON
}
