package io.rtprofile.jobs.models;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.jobs.loopback.LoopbackChannel;
import io.rtprofile.jobs.loopback.LoopbackSink;
import io.rtprofile.jobs.loopback.LoopbackSource;
import io.rtprofile.schema.Model;

import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.UUID;

/**
 * The models edge of a bounded run: an in-JVM channel, closed when the identity resolver has seen
 * the end of the events (the same moment it closes the transfers edge). Versions the trainer
 * publishes after that are dropped: the profiles that would use them have nothing left to score but
 * what their last timers bring. So a bounded run scores with the versions that came back while it
 * ran, as the job does, and its scores depend on timing, as the job's do.
 */
public final class LoopbackModelLoop implements ModelLoop {
    private final String channelId;

    private LoopbackModelLoop(String channelId) {
        this.channelId = channelId;
    }

    /** A loop over a new channel. */
    public static LoopbackModelLoop create() {
        String id = "models-" + UUID.randomUUID();
        LoopbackChannel.open(id);
        return new LoopbackModelLoop(id);
    }

    public String channelId() {
        return channelId;
    }

    @Override
    public DataStream<Model> modelsIn(StreamExecutionEnvironment env) {
        return env.fromSource(
                        new LoopbackSource<>(channelId, new AvroTypeInfo<>(Model.class)),
                        LoopbackSource.watermarks(),
                        "models")
                .uid(Uids.MODELS_SOURCE)
                .setParallelism(1);
    }

    @Override
    public void modelsOut(DataStream<Model> models) {
        models.sinkTo(LoopbackSink.discardingAfterClose(channelId))
                .uid(Uids.MODELS_SINK)
                .name("models");
    }

    @Override
    public IdentityResolver.LoopCloser closer() {
        String id = channelId;
        return () -> LoopbackChannel.close(id);
    }
}
