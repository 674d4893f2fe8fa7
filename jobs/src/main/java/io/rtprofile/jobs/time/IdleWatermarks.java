package io.rtprofile.jobs.time;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for an input that has no event time of its own (segment definitions, the loopback
 * edge): the input declares itself idle at every periodic emit, so that the operator it feeds takes
 * its watermark from its other inputs alone. Records keep whatever timestamp they carry.
 *
 * <p>Announcing the end of time instead would be wrong: when every other input goes idle, the
 * operator would take this input's watermark and fire every timer at once. The input's source still
 * ends with the final watermark when (if ever) it finishes.
 */
public final class IdleWatermarks {
    private IdleWatermarks() {}

    public static <T> WatermarkStrategy<T> strategy() {
        return WatermarkStrategy.forGenerator(ctx -> new Idle<>());
    }

    private static final class Idle<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long timestamp, WatermarkOutput out) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            out.markIdle();
        }
    }
}
