package io.rtprofile.jobs.time;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Event time stops at asOf: watermarks are capped, records pass unchanged. */
class AsOfWatermarkCapTest {

    private static final long AS_OF = 1_000L;

    @Test
    void watermarksAboveAsOfAreCapped() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness = newHarness()) {
            harness.processWatermark(new Watermark(500));
            harness.processWatermark(new Watermark(AS_OF + 10));
            harness.processWatermark(new Watermark(AS_OF + 20));
            harness.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(watermarks(harness)).containsExactly(500L, AS_OF);
        }
    }

    @Test
    void finalWatermarkBecomesAsOf() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness = newHarness()) {
            harness.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(watermarks(harness)).containsExactly(AS_OF);
        }
    }

    @Test
    void watermarksBelowAsOfPassAndNeverGoBack() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness = newHarness()) {
            harness.processWatermark(new Watermark(100));
            harness.processWatermark(new Watermark(AS_OF));
            harness.processWatermark(new Watermark(AS_OF));
            harness.processWatermark(new Watermark(700));

            assertThat(watermarks(harness)).containsExactly(100L, AS_OF);
        }
    }

    @Test
    void recordsPassUnchangedWhateverTheirTime() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness = newHarness()) {
            harness.processElement(new StreamRecord<>("early", 10L));
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            harness.processElement(new StreamRecord<>("late", AS_OF + 5_000));

            assertThat(harness.extractOutputStreamRecords())
                    .extracting(r -> r.getValue() + "@" + r.getTimestamp())
                    .containsExactly("early@10", "late@" + (AS_OF + 5_000));
            assertThat(watermarks(harness)).containsExactly(AS_OF);
        }
    }

    @Test
    void withoutAnInstantEventTimeStopsAtTheLargestTimestampSeen() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                newHarness(AsOfWatermarkCap.LARGEST_EVENT_TIME)) {
            harness.processElement(new StreamRecord<>("a", 300L));
            harness.processElement(new StreamRecord<>("b", 900L));
            harness.processElement(new StreamRecord<>("c", 600L));
            harness.processWatermark(new Watermark(500));
            harness.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(watermarks(harness)).containsExactly(500L, 900L);
            assertThat(harness.extractOutputValues()).containsExactly("a", "b", "c");
        }
    }

    @Test
    void withoutAnInstantOrEventsNoWatermarkIsEmitted() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                newHarness(AsOfWatermarkCap.LARGEST_EVENT_TIME)) {
            harness.processWatermark(new Watermark(Long.MAX_VALUE));

            assertThat(watermarks(harness)).isEmpty();
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> newHarness() throws Exception {
        return newHarness(AS_OF);
    }

    private static OneInputStreamOperatorTestHarness<String, String> newHarness(long asOf)
            throws Exception {
        OneInputStreamOperatorTestHarness<String, String> harness =
                new OneInputStreamOperatorTestHarness<>(new AsOfWatermarkCap<>(asOf));
        harness.open();
        return harness;
    }

    private static List<Long> watermarks(
            OneInputStreamOperatorTestHarness<String, String> harness) {
        List<Long> marks = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof Watermark w) {
                marks.add(w.getTimestamp());
            }
        }
        return marks;
    }
}
