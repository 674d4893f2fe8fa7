package io.rtprofile.jobs.identity;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.loopback.LoopbackChannel;
import io.rtprofile.jobs.loopback.LoopbackSink;
import io.rtprofile.jobs.loopback.LoopbackSource;
import io.rtprofile.schema.internal.ProfileTransfer;

import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.UUID;

/**
 * The feedback edge of a bounded run: an in-JVM channel (the run is a local mini-cluster), closed
 * by the resolver once its events have ended and every transfer has arrived, so the job finishes.
 * Not fault tolerant, which a bounded run never needs: it has no checkpoints and no restarts.
 */
public final class LoopbackTransferLoop implements TransferLoop {
    private final String channelId;

    private LoopbackTransferLoop(String channelId) {
        this.channelId = channelId;
    }

    /** A loop over a new channel. */
    public static LoopbackTransferLoop create() {
        String id = "profile-transfers-" + UUID.randomUUID();
        LoopbackChannel.open(id);
        return new LoopbackTransferLoop(id);
    }

    @Override
    public DataStream<ProfileTransfer> transfersIn(StreamExecutionEnvironment env) {
        return env.fromSource(
                        new LoopbackSource<>(channelId, new AvroTypeInfo<>(ProfileTransfer.class)),
                        LoopbackSource.watermarks(),
                        "profile-transfers")
                .uid(Uids.PROFILE_TRANSFERS_SOURCE)
                .setParallelism(1);
    }

    @Override
    public void transfersOut(DataStream<ProfileTransfer> transfers) {
        transfers
                .sinkTo(new LoopbackSink<>(channelId))
                .uid(Uids.PROFILE_TRANSFERS_SINK)
                .name("profile-transfers");
    }

    @Override
    public void loopEnd(DataStream<ProfileTransfer> marker) {
        // Closed directly by the resolver (closer()): the marker is not needed.
    }

    @Override
    public IdentityResolver.LoopCloser closer() {
        String id = channelId;
        return () -> LoopbackChannel.close(id);
    }
}
