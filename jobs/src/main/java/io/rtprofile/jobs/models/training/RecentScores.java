package io.rtprofile.jobs.models.training;

import java.util.List;

/** A model's recent scores, for the percentile cut points a version publishes. */
interface RecentScores {

    void add(double score);

    /** The 1st to 99th percentiles of recent scores; empty while there are too few. */
    List<Double> cutPoints();
}
