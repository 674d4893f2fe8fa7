package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.MergePolicy;
import io.rtprofile.schema.state.AttributeState;

import java.io.Serializable;
import java.util.List;

/**
 * Decides which of two candidate values of an attribute wins under the merge policy. Every policy
 * is a strict total order on (timestamp, source rank, eventId), so the winner over a set of events
 * is the same whatever order they arrive in: the final profile does not depend on arrival order.
 */
public final class AttributeMerger implements Serializable {
    private static final long serialVersionUID = 1L;

    private final MergePolicy policy;
    private final List<String> sourcePrecedence;

    public AttributeMerger(MergePolicy policy, List<String> sourcePrecedence) {
        this.policy = policy;
        this.sourcePrecedence = List.copyOf(sourcePrecedence);
    }

    /** True when {@code candidate} should replace {@code incumbent}. */
    public boolean beats(AttributeState candidate, AttributeState incumbent) {
        return compare(candidate, incumbent) > 0;
    }

    /** Positive when {@code a} wins over {@code b}. */
    int compare(AttributeState a, AttributeState b) {
        int byTime = Long.compare(a.getTimestamp(), b.getTimestamp());
        // A lower index in the precedence list is a more trusted source.
        int bySource = Integer.compare(rank(b.getSource()), rank(a.getSource()));
        int first = policy == MergePolicy.PRECEDENCE ? bySource : byTime;
        int second = policy == MergePolicy.PRECEDENCE ? byTime : bySource;
        if (first != 0) {
            return first;
        }
        if (second != 0) {
            return second;
        }
        return a.getEventId().compareTo(b.getEventId());
    }

    private int rank(String source) {
        int index = sourcePrecedence.indexOf(source);
        return index < 0 ? sourcePrecedence.size() : index;
    }
}
