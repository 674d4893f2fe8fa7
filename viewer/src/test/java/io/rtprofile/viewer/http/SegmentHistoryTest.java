package io.rtprofile.viewer.http;

import io.rtprofile.viewer.store.HistoryBucket;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentHistoryTest {
    private static final long M = 60_000L;

    private static final List<HistoryBucket> BUCKETS =
            List.of(
                    new HistoryBucket(0, 3, 3, 0),
                    new HistoryBucket(2 * M, 2, 2, 0),
                    new HistoryBucket(7 * M, -4, 0, 4),
                    new HistoryBucket(9 * M, 1, 1, 0));

    @Test
    void populationIsTheSumOfChangesUpToTheEndOfEachStep() {
        SegmentHistory.Series series = SegmentHistory.of(BUCKETS, M, null, null, 5 * M);

        assertThat(series.points())
                .containsExactly(
                        new SegmentHistory.Point(0, 5, 5, 0),
                        new SegmentHistory.Point(5 * M, 2, 1, 4));
    }

    @Test
    void aLaterStartCarriesThePopulationBeforeIt() {
        SegmentHistory.Series series = SegmentHistory.of(BUCKETS, M, 5 * M, 10 * M, M);

        assertThat(series.points()).hasSize(5);
        assertThat(series.points().get(0)).isEqualTo(new SegmentHistory.Point(5 * M, 5, 0, 0));
        assertThat(series.points().get(4)).isEqualTo(new SegmentHistory.Point(9 * M, 2, 1, 0));
    }

    @Test
    void withoutAStepOneIsChosenThatFitsAChart() {
        List<HistoryBucket> month =
                List.of(new HistoryBucket(0, 1, 1, 0), new HistoryBucket(30 * 1440 * M, 1, 1, 0));

        SegmentHistory.Series series = SegmentHistory.of(month, M, null, null, null);

        assertThat(series.step()).isEqualTo(6 * 60 * M);
        assertThat(series.points()).hasSizeLessThanOrEqualTo(SegmentHistory.MAX_POINTS);
        assertThat(series.points().get(series.points().size() - 1).population()).isEqualTo(2);
    }

    @Test
    void durationsReadAndPrint() {
        assertThat(SegmentHistory.parseDuration("90s", "step")).isEqualTo(90_000L);
        assertThat(SegmentHistory.format(SegmentHistory.parseDuration("1d", "step")))
                .isEqualTo("1d");
        assertThat(SegmentHistory.format(120 * M)).isEqualTo("2h");
    }
}
