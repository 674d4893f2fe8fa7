package io.rtprofile.jobs.time;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Holds event time at {@code asOf} for bounded runs ({@code rtprofile run --as-of}). A bounded
 * source ends with the final watermark (end of time), which would fire every pending timer; capping
 * watermarks here means timers up to {@code asOf} fire and later ones do not, downstream of this
 * operator. Records pass unchanged.
 */
public final class AsOfWatermarkCap<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private final long asOf;
    private long lastEmitted = Long.MIN_VALUE;

    public AsOfWatermarkCap(long asOf) {
        this.asOf = asOf;
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long capped = Math.min(mark.getTimestamp(), asOf);
        if (capped > lastEmitted) {
            lastEmitted = capped;
            super.processWatermark(new Watermark(capped));
        }
    }
}
