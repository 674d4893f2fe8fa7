package io.rtprofile.jobs.dedup;

import io.rtprofile.schema.ExperienceEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Drops an event whose {@code eventId} was already seen within the horizon (keyed by eventId).
 *
 * <p>The horizon is processing time, enforced by state TTL: duplicates come from redelivery (a
 * producer retry, a replayed batch), which happens close in wall-clock time to the original
 * whatever the event's own timestamp. TTL costs no timers: RocksDB drops expired entries during
 * compaction and the heap backend incrementally, so state is bounded by the number of distinct
 * eventIds per horizon. docs/profiles.md discusses the event-time alternative.
 */
public final class EventDeduplicator
        extends KeyedProcessFunction<String, ExperienceEvent, ExperienceEvent> {
    private static final long serialVersionUID = 1L;

    private final Duration horizon;
    private transient ValueState<Long> firstSeen;
    private transient Counter duplicates;

    public EventDeduplicator(Duration horizon) {
        this.horizon = horizon;
    }

    /** The state: when (processing time) this eventId was first seen. Shared with state tools. */
    public static ValueStateDescriptor<Long> firstSeenDescriptor(Duration horizon) {
        ValueStateDescriptor<Long> descriptor =
                new ValueStateDescriptor<>("first-seen", LongSerializer.INSTANCE);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(horizon)
                        .updateTtlOnCreateAndWrite()
                        .neverReturnExpired()
                        .cleanupInRocksdbCompactFilter(1000)
                        .cleanupIncrementally(10, false)
                        .build());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        firstSeen = getRuntimeContext().getState(firstSeenDescriptor(horizon));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    }

    @Override
    public void processElement(ExperienceEvent event, Context ctx, Collector<ExperienceEvent> out)
            throws Exception {
        if (firstSeen.value() != null) {
            duplicates.inc();
            return;
        }
        firstSeen.update(ctx.timerService().currentProcessingTime());
        out.collect(event);
    }
}
