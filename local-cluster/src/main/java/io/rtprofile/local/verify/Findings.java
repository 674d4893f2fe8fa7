package io.rtprofile.local.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * The first few examples of one kind of problem, and how many there were in all: a report names
 * enough cases to start looking, without printing a million lines for a systematic fault.
 */
public final class Findings {
    /** Examples kept per kind. */
    static final int EXAMPLES = 5;

    private final List<String> examples = new ArrayList<>();
    private long count;

    void add(long weight, String example) {
        count += weight;
        if (examples.size() < EXAMPLES) {
            examples.add(example);
        }
    }

    void add(String example) {
        add(1, example);
    }

    /** How many, in the unit of the check (records, versions, profiles). */
    public long count() {
        return count;
    }

    /** The first {@value #EXAMPLES} examples, in the order found. */
    public List<String> examples() {
        return List.copyOf(examples);
    }
}
