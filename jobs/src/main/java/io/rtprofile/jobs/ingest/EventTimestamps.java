package io.rtprofile.jobs.ingest;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** Event time of ingested records, and the watermarks derived from it. */
public final class EventTimestamps {
    private EventTimestamps() {}

    /**
     * Bounded out-of-orderness per source split, with idleness so a quiet partition does not stall
     * event time. Rejections carry no event time: they get {@code Long.MIN_VALUE}, which never
     * advances a watermark.
     */
    public static WatermarkStrategy<IngestedRecord> watermarks(ProfileJobSettings settings) {
        return WatermarkStrategy.<IngestedRecord>forBoundedOutOfOrderness(settings.outOfOrderness())
                .withTimestampAssigner(
                        (record, kafkaTimestamp) ->
                                record.getEvent() != null
                                        ? record.getEvent().getTimestamp()
                                        : Long.MIN_VALUE)
                .withIdleness(settings.sourceIdleness());
    }
}
