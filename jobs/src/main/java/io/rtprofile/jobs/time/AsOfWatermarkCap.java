package io.rtprofile.jobs.time;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Holds event time at the run's "as of" instant for bounded runs ({@code rtprofile run --as-of}). A
 * bounded source ends with the final watermark (end of time), which would fire every pending timer;
 * capping watermarks here means timers up to the instant fire and later ones do not, downstream of
 * this operator. Records pass unchanged.
 *
 * <p>Without an explicit instant the cap is the largest event timestamp this operator has seen, the
 * contract's default for {@code --as-of}. That is the input's largest only when this operator sees
 * all of the input: run it at parallelism 1 right after the (single-split) file source.
 */
public final class AsOfWatermarkCap<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    /** Marks "no explicit instant: stop at the largest event time seen". */
    public static final long LARGEST_EVENT_TIME = Long.MIN_VALUE;

    private final long asOf;
    private long largestSeen = Long.MIN_VALUE;
    private long lastEmitted = Long.MIN_VALUE;

    /**
     * @param asOf the instant event time stops at, or {@link #LARGEST_EVENT_TIME}
     */
    public AsOfWatermarkCap(long asOf) {
        this.asOf = asOf;
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        if (element.hasTimestamp()) {
            largestSeen = Math.max(largestSeen, element.getTimestamp());
        }
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long limit = asOf == LARGEST_EVENT_TIME ? largestSeen : asOf;
        long capped = Math.min(mark.getTimestamp(), limit);
        if (capped > lastEmitted) {
            lastEmitted = capped;
            super.processWatermark(new Watermark(capped));
        }
    }
}
