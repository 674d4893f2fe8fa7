package io.rtprofile.jobs.config;

/** How the value of an attribute is chosen among the events that set it (contract section 4). */
public enum MergePolicy {
    /** The latest event timestamp wins; ties go to the higher-precedence source, then eventId. */
    TIMESTAMP,
    /**
     * The highest-precedence source wins; within one source, the latest timestamp, then eventId.
     */
    PRECEDENCE
}
