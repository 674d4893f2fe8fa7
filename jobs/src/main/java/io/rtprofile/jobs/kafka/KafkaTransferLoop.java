package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.jobs.identity.TransferLoop;
import io.rtprofile.schema.internal.ProfileTransfer;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's feedback edge for identity merges: the {@code profile-transfers} topic, written by an
 * exactly-once sink and read {@code read_committed}. A transfer becomes visible when the checkpoint
 * that covers it completes, and its offset is part of the same checkpoints as the state on both
 * ends, so after a failure state, transfers and offsets rewind together (docs/identity.md).
 *
 * <p>A job that stops at the latest events ({@code rtprofile.kafka.stop-at-latest}) also stops
 * reading this topic, at the resolver's end marker.
 */
public final class KafkaTransferLoop implements TransferLoop {
    private final ReadableConfig config;

    public KafkaTransferLoop(ReadableConfig config) {
        this.config = config;
    }

    private boolean stopsAtLatest() {
        return config.get(RtProfileOptions.STOP_AT_LATEST);
    }

    @Override
    public DataStream<ProfileTransfer> transfersIn(StreamExecutionEnvironment env) {
        Source<ProfileTransfer, ?, ?> source = ProfileTransfersTopic.source(config);
        if (stopsAtLatest()) {
            source = endMarked(source);
        }
        return env.fromSource(source, ProfileTransfersTopic.watermarks(), "profile-transfers")
                .uid(Uids.PROFILE_TRANSFERS_SOURCE)
                .setParallelism(1);
    }

    private static <S extends SourceSplit, E> Source<ProfileTransfer, S, E> endMarked(
            Source<ProfileTransfer, S, E> source) {
        return new EndMarkedSource<>(
                source, new AvroTypeInfo<>(ProfileTransfer.class), IdentityResolver::isEndMarker);
    }

    @Override
    public void transfersOut(DataStream<ProfileTransfer> transfers) {
        transfers
                .sinkTo(ProfileTransfersTopic.sink(config, "transfers"))
                .uid(Uids.PROFILE_TRANSFERS_SINK)
                .name("profile-transfers");
    }

    @Override
    public void loopEnd(DataStream<ProfileTransfer> marker) {
        if (stopsAtLatest()) {
            marker.sinkTo(ProfileTransfersTopic.sink(config, "transfers-end"))
                    .uid(Uids.PROFILE_TRANSFERS_END_SINK)
                    .name("profile-transfers end marker")
                    .setParallelism(1);
        }
    }

    @Override
    public IdentityResolver.LoopCloser closer() {
        return null; // the topic is not closed from here; see loopEnd
    }
}
