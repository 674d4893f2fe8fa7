package io.rtprofile.state.migrate;

/**
 * What a migration counts. Counts of a named thing (an attribute, a segment, a model) are kept per
 * name, so the report says which names of the plan the savepoint had.
 */
public enum MigrationCount {
    PROFILES_READ("profile keys read"),
    PROFILES_CHANGED("profile keys changed"),
    PROFILES_AWAITING_TRANSFERS("profiles waiting for a merge's transferred state"),
    ATTRIBUTE_RENAMED("profiles whose attribute was renamed"),
    ATTRIBUTE_RENAME_COLLIDED("profiles that already had the new name"),
    ATTRIBUTE_DROPPED("profiles whose attribute was dropped"),
    HELD_EVENT_ATTRIBUTE_RENAMED("held events whose attribute was renamed"),
    HELD_EVENT_ATTRIBUTE_DROPPED("held events whose attribute was dropped"),
    MEMBERSHIP_DROPPED("memberships dropped"),
    SEGMENT_DEFINITION_DROPPED("published definitions replaced by a removal"),
    SEGMENT_REMOVAL_KEPT("removal markers already published"),
    SCORE_DROPPED("scores dropped"),
    PENDING_EXAMPLE_DROPPED("pending training examples dropped"),
    MODEL_VERSION_DROPPED("published versions replaced by a removal"),
    TRAINER_STATE_DROPPED("trainer states reduced to the removal state"),
    SCORE_SKETCH_DROPPED("score sketches dropped"),
    EVENT_IDS_CARRIED("deduplicator event ids rewritten");

    private final String description;

    MigrationCount(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The accumulator (and report) key of this count for {@code name} ("" for none). */
    public String key(String name) {
        return name.isEmpty() ? name() : name() + ":" + name;
    }
}
