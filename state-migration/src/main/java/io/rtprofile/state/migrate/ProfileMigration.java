package io.rtprofile.state.migrate;

import io.rtprofile.jobs.profile.AttributeMerger;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;

import java.io.Serializable;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Applies a {@link MigrationPlan} to what the profile operator keeps under one profile key (see
 * {@link MigrationPlan} for the semantics). Timers stay as they are: a timer that only served
 * dropped state (a dropped model's example deadline) fires once after the restore and finds nothing
 * to do, as after a removal at run time.
 */
public final class ProfileMigration implements Serializable {
    private static final long serialVersionUID = 1L;

    private final MigrationPlan plan;
    private final AttributeMerger merger;

    public ProfileMigration(MigrationPlan plan, AttributeMerger merger) {
        this.plan = plan;
        this.merger = merger;
    }

    /**
     * Rewrites {@code engine} in place.
     *
     * @param count receives (what, name) for each change; name is "" for counts of keys
     * @return whether anything changed
     */
    public boolean apply(ProfileEngineState engine, BiConsumer<MigrationCount, String> count) {
        boolean changed = false;
        ProfileState state = engine.getState();
        if (state != null) {
            changed |= attributes(state.getAttributes(), count);
            for (String segment : plan.droppedSegments()) {
                if (state.getSegments().remove(segment) != null) {
                    count.accept(MigrationCount.MEMBERSHIP_DROPPED, segment);
                    changed = true;
                }
            }
            for (String model : plan.droppedModels()) {
                if (state.getScores().remove(model) != null) {
                    count.accept(MigrationCount.SCORE_DROPPED, model);
                    changed = true;
                }
            }
        }
        for (String model : plan.droppedModels()) {
            if (engine.getPendingExamples().remove(model) != null) {
                count.accept(MigrationCount.PENDING_EXAMPLE_DROPPED, model);
                changed = true;
            }
        }
        if (plan.changesAttributes()) {
            for (ExperienceEvent held : engine.getPendingEvents()) {
                changed |= heldEvent(held.getAttributes(), count);
            }
        }
        if (engine.getAwaitedTransfers() != null && !engine.getAwaitedTransfers().isEmpty()) {
            // The absorbed profiles' state is on profile-transfers, out of the savepoint's reach.
            count.accept(MigrationCount.PROFILES_AWAITING_TRANSFERS, "");
        }
        return changed;
    }

    private boolean attributes(
            Map<String, AttributeState> attributes, BiConsumer<MigrationCount, String> count) {
        boolean changed = false;
        for (String dropped : plan.droppedAttributes()) {
            if (attributes.remove(dropped) != null) {
                count.accept(MigrationCount.ATTRIBUTE_DROPPED, dropped);
                changed = true;
            }
        }
        // Every old value is taken out before any is put in, so renames never chain.
        Map<String, AttributeState> moved = new java.util.LinkedHashMap<>();
        for (String from : plan.renamedAttributes().keySet()) {
            AttributeState value = attributes.remove(from);
            if (value != null) {
                moved.put(from, value);
            }
        }
        for (Map.Entry<String, AttributeState> e : moved.entrySet()) {
            String to = plan.renamedAttributes().get(e.getKey());
            AttributeState incumbent = attributes.get(to);
            count.accept(MigrationCount.ATTRIBUTE_RENAMED, e.getKey());
            if (incumbent != null) {
                count.accept(MigrationCount.ATTRIBUTE_RENAME_COLLIDED, e.getKey());
            }
            // The merge policy decides, as if both values had arrived under the new name.
            if (incumbent == null || merger.beats(e.getValue(), incumbent)) {
                attributes.put(to, e.getValue());
            }
            changed = true;
        }
        return changed;
    }

    private boolean heldEvent(
            Map<String, Object> attributes, BiConsumer<MigrationCount, String> count) {
        if (attributes == null || attributes.isEmpty()) {
            return false;
        }
        boolean changed = false;
        for (String dropped : plan.droppedAttributes()) {
            if (attributes.containsKey(dropped)) {
                attributes.remove(dropped);
                count.accept(MigrationCount.HELD_EVENT_ATTRIBUTE_DROPPED, dropped);
                changed = true;
            }
        }
        Map<String, Object> moved = new java.util.LinkedHashMap<>();
        for (String from : plan.renamedAttributes().keySet()) {
            if (attributes.containsKey(from)) {
                moved.put(from, attributes.remove(from));
            }
        }
        for (Map.Entry<String, Object> e : moved.entrySet()) {
            // One event, one timestamp: the value it carries under the new name is its own.
            String to = plan.renamedAttributes().get(e.getKey());
            if (!attributes.containsKey(to)) {
                attributes.put(to, e.getValue());
            }
            count.accept(MigrationCount.HELD_EVENT_ATTRIBUTE_RENAMED, e.getKey());
            changed = true;
        }
        return changed;
    }
}
