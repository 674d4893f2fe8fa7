package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.segments.definition.CelExpression;
import io.rtprofile.jobs.segments.definition.Comparison;

import java.util.List;

/** A compiled condition, tested at one instant of one profile's evaluation. */
sealed interface Check {

    boolean test(SegmentEvaluator.Instant at);

    record All(List<Check> checks) implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            for (Check check : checks) {
                if (!check.test(at)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Any(List<Check> checks) implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            for (Check check : checks) {
                if (check.test(at)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(Check check) implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            return !check.test(at);
        }
    }

    /** Membership, at this instant, in a segment evaluated earlier in the same pass. */
    record Member(String segmentId) implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            return at.isMember(segmentId);
        }
    }

    record ProfileTest(CelExpression expression) implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            return at.profileMatches(expression);
        }
    }

    record CountTest(RecentTimes counter, long window, Comparison comparison) implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            return comparison.test(counter.count(at.state(counter), at.time(), window));
        }
    }

    record DistinctTest(DistinctValues values, long window, Comparison comparison)
            implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            return comparison.test(values.count(at.state(values), at.time(), window));
        }
    }

    record ExtremeTest(Extremes extremes, long window, boolean max, Comparison.Operator operator)
            implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            return extremes.test(at.state(extremes), at.time(), window, max, operator);
        }
    }

    record SumTest(WindowedSum sum, long window, Comparison comparison, Reading reading)
            implements Check {

        /** Which figure of the window the comparison reads. */
        enum Reading {
            SUM,
            COUNT,
            AVERAGE
        }

        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            double[] sumAndCount = sum.sumAndCount(at.state(sum), at.time(), window);
            return switch (reading) {
                case SUM -> comparison.test(sumAndCount[0]);
                case COUNT -> comparison.test(sumAndCount[1]);
                // No events: no average, and a comparison with no value is false.
                case AVERAGE ->
                        sumAndCount[1] > 0 && comparison.test(sumAndCount[0] / sumAndCount[1]);
            };
        }
    }

    record SequenceTest(StepSequence sequence) implements Check {
        @Override
        public boolean test(SegmentEvaluator.Instant at) {
            return sequence.holds(at.state(sequence), at.time());
        }
    }
}
