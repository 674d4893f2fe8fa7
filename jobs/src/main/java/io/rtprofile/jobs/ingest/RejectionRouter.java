package io.rtprofile.jobs.ingest;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Valid events go on; rejections go to the {@link #REJECTED} side output, counted. */
public final class RejectionRouter extends ProcessFunction<IngestedRecord, ExperienceEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<RejectedEvent> REJECTED =
            new OutputTag<>("events-rejected", new AvroTypeInfo<>(RejectedEvent.class));

    private transient Counter rejected;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        rejected = getRuntimeContext().getMetricGroup().counter("eventsRejected");
    }

    @Override
    public void processElement(IngestedRecord record, Context ctx, Collector<ExperienceEvent> out) {
        if (record.getEvent() != null) {
            out.collect(record.getEvent());
        } else {
            rejected.inc();
            ctx.output(REJECTED, record.getRejection());
        }
    }
}
