package io.rtprofile.state.bootstrap;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.write.SavepointComposer;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;

/**
 * {@code rtprofile state bootstrap}: a savepoint whose profiles and identity graph come from a
 * profile snapshot (docs/state-toolkit.md).
 *
 * <p>With a base savepoint, everything else comes from the base: the sources' offsets, the sinks'
 * transactions, the deduplicator's recent event ids, the model trainer, the published segment
 * definitions and models (the profile operator's broadcast state), and what the identity resolver
 * keeps besides the graph ({@link ResolverCarryOver}). A snapshot exported from that same savepoint
 * then gives a job that continues exactly as the savepoint would have. Without a base the savepoint
 * holds profiles and graph only; the job reads its topics from its configured start.
 */
public final class ProfileBootstrap {
    private ProfileBootstrap() {}

    /**
     * Defines on {@code env} the job that writes the savepoint {@code target}; execute it to write.
     *
     * @param base the savepoint the rest of the state comes from, or null for none
     * @param maxParallelism the key groups of the profile operator when there is no base (the job's
     *     {@code pipeline.max-parallelism}); with a base, the base's
     */
    public static void define(
            StreamExecutionEnvironment env,
            DataStream<ProfileSnapshot> snapshot,
            Path base,
            Path target,
            StateBackend backend,
            int maxParallelism)
            throws InvalidSavepointException {
        SavepointComposer savepoint;
        ResolverCarryOver carryOver;
        if (base != null) {
            savepoint = SavepointComposer.onto(env, base, backend);
            carryOver = ResolverCarryOver.read(base);
        } else {
            savepoint = SavepointComposer.empty(env, backend, maxParallelism);
            carryOver = ResolverCarryOver.none();
        }
        savepoint
                .replaceKeyedState(
                        Uids.PROFILE_BUILDER,
                        OperatorTransformation.bootstrapWith(snapshot)
                                .keyBy(ProfileSnapshot::getProfileId, Types.STRING)
                                .transform(new ProfileKeyWriter()),
                        0)
                .replaceKeyedState(
                        Uids.IDENTITY_RESOLVER,
                        OperatorTransformation.bootstrapWith(snapshot)
                                .keyBy(s -> IdentityResolver.GRAPH, Types.STRING)
                                .transform(new IdentityGraphWriter(carryOver)),
                        1)
                .write(target);
    }
}
