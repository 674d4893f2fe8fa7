package io.rtprofile.jobs.loopback;

import io.rtprofile.jobs.time.IdleWatermarks;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.List;

/**
 * The receiving end of a {@link LoopbackChannel}: a bounded source that emits the channel's records
 * (with the timestamps they were sent with) as they arrive and ends once the channel is closed and
 * drained. One reader gets the channel; at a higher parallelism the other readers end at once.
 *
 * <p>Use it with {@link #watermarks()}: the input then never holds back event time downstream (it
 * is idle, not at the end of time, until it really ends).
 *
 * <pre>{@code
 * String id = UUID.randomUUID().toString();
 * LoopbackChannel.open(id);
 * DataStream<T> fedBack =
 *         env.fromSource(new LoopbackSource<>(id, type), LoopbackSource.watermarks(), "loopback")
 *                 .uid("...-loopback-source");
 * ...
 * feedback.sinkTo(new LoopbackSink<>(id)).uid("...-loopback-sink");
 * // The receiving operator closes the channel; after the job, whatever its outcome:
 * LoopbackChannel.release(id);
 * }</pre>
 */
public final class LoopbackSource<T>
        implements Source<T, LoopbackSplit, List<LoopbackSplit>>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final String channelId;
    private final TypeInformation<T> type;

    public LoopbackSource(String channelId, TypeInformation<T> type) {
        this.channelId = channelId;
        this.type = type;
    }

    /** Watermarks for this source: an idle input, see {@link IdleWatermarks}. */
    public static <T> WatermarkStrategy<T> watermarks() {
        return IdleWatermarks.strategy();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    @Override
    public SourceReader<T, LoopbackSplit> createReader(SourceReaderContext context) {
        return new LoopbackSourceReader<>();
    }

    @Override
    public SplitEnumerator<LoopbackSplit, List<LoopbackSplit>> createEnumerator(
            SplitEnumeratorContext<LoopbackSplit> context) {
        return new LoopbackSplitEnumerator(context, new LoopbackSplit(channelId));
    }

    @Override
    public SplitEnumerator<LoopbackSplit, List<LoopbackSplit>> restoreEnumerator(
            SplitEnumeratorContext<LoopbackSplit> context, List<LoopbackSplit> unassigned) {
        return new LoopbackSplitEnumerator(
                context, unassigned.isEmpty() ? null : unassigned.get(0));
    }

    @Override
    public SimpleVersionedSerializer<LoopbackSplit> getSplitSerializer() {
        return new LoopbackSplit.Serializer();
    }

    @Override
    public SimpleVersionedSerializer<List<LoopbackSplit>> getEnumeratorCheckpointSerializer() {
        return new LoopbackSplitEnumerator.CheckpointSerializer();
    }
}
