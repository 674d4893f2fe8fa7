package io.rtprofile.jobs;

/**
 * Operator UIDs. They name the state in every savepoint, so they never change once released; the
 * state-migration tooling imports them from here. {@code pipeline.auto-generate-uids} is off, so an
 * operator without one fails the job at submission instead of silently losing its state on upgrade.
 */
public final class Uids {
    private Uids() {}

    public static final String EVENTS_SOURCE = "events-source";
    public static final String EVENTS_FILE_SOURCE = "events-file-source";
    public static final String AS_OF_CAP = "as-of-watermark-cap";
    public static final String SEGMENT_DEFINITIONS_SOURCE = "segment-definitions-source";
    public static final String REJECTION_ROUTER = "rejection-router";
    public static final String DEDUPLICATOR = "event-deduplicator";
    public static final String IDENTITY_RESOLVER = "identity-resolver";
    public static final String PROFILE_TRANSFERS_SOURCE = "profile-transfers-source";
    public static final String PROFILE_TRANSFERS_SINK = "profile-transfers-sink";
    public static final String PROFILE_TRANSFERS_END_SINK = "profile-transfers-end-sink";
    public static final String PROFILE_BUILDER = "profile-builder";
    public static final String MODEL_TRAINER = "model-trainer";
    public static final String SEGMENT_DEFINITION_CHANGES = "segment-definition-changes";
    public static final String MODEL_VERSION_CHANGES = "model-version-changes";
    public static final String MODELS_SOURCE = "models-source";
    public static final String MODEL_DEFINITIONS_SOURCE = "model-definitions-source";
    public static final String MODEL_DEFINITIONS_NONE = "model-definitions-none";
    public static final String MODELS_SINK = "models-sink";
    public static final String MODELS_END_MARKER = "models-end-marker";
    public static final String MODELS_END_SINK = "models-end-sink";
    public static final String TRAINING_EXAMPLES_SINK = "training-examples-sink";
    public static final String PROFILE_UPDATES_SINK = "profile-updates-sink";
    public static final String REJECTED_SINK = "events-rejected-sink";
    public static final String IDENTITY_CONFLICTS_SINK = "identity-conflicts-sink";
}
