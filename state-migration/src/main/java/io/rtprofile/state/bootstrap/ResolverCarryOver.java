package io.rtprofile.state.bootstrap;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the identity resolver keeps besides the graph, carried from a base savepoint into a
 * bootstrapped one: the suppressed identities of erased profiles (privacy: a bootstrap must not let
 * them back in), the merges whose state transfer is in flight, and its timers. The graph itself
 * (identity assignments and each profile's identities) is rebuilt from the snapshot.
 *
 * <p>It is read on the client: it is small (suppressions for the configured period, transfers of
 * the last moments), unlike the graph.
 */
public record ResolverCarryOver(
        Map<String, Long> suppressed,
        Map<Long, List<String>> expiries,
        Map<String, String> transfersInFlight,
        Map<String, List<String>> transfersAwaited,
        List<Long> eventTimers)
        implements Serializable {

    /** Nothing to carry: a deployment seeded from a warehouse. */
    public static ResolverCarryOver none() {
        return new ResolverCarryOver(Map.of(), Map.of(), Map.of(), Map.of(), List.of());
    }

    /** Reads it from the resolver's state in {@code savepoint} (none if it has no resolver). */
    public static ResolverCarryOver read(Path savepoint) throws InvalidSavepointException {
        if (Savepoints.operator(Savepoints.load(savepoint), Uids.IDENTITY_RESOLVER).isEmpty()) {
            return none();
        }
        try {
            StreamExecutionEnvironment env = Savepoints.environment(1);
            SavepointReader reader =
                    SavepointReader.read(
                            env,
                            savepoint.toAbsolutePath().toString(),
                            Savepoints.backendFor(savepoint));
            List<ResolverCarryOver> read = new ArrayList<>();
            try (CloseableIterator<ResolverCarryOver> it =
                    reader.readKeyedState(
                                    OperatorIdentifier.forUid(Uids.IDENTITY_RESOLVER),
                                    new Reader(),
                                    Types.STRING,
                                    TypeInformation.of(ResolverCarryOver.class))
                            .executeAndCollect("rtprofile state: identity resolver")) {
                it.forEachRemaining(read::add);
            }
            return read.isEmpty() ? none() : read.get(0);
        } catch (Exception e) {
            throw new InvalidSavepointException(
                    "cannot read the identity resolver's state in " + savepoint + ": " + e, e);
        }
    }

    private static final class Reader extends KeyedStateReaderFunction<String, ResolverCarryOver> {
        private transient MapState<String, Long> suppressed;
        private transient MapState<Long, List<String>> expiries;
        private transient MapState<String, String> forwards;
        private transient MapState<String, List<String>> awaiting;

        @Override
        public void open(OpenContext openContext) {
            var ctx = getRuntimeContext();
            suppressed = ctx.getMapState(IdentityResolver.suppressedIdentitiesDescriptor());
            expiries = ctx.getMapState(IdentityResolver.suppressionExpiriesDescriptor());
            forwards = ctx.getMapState(IdentityResolver.transfersInFlightDescriptor());
            awaiting = ctx.getMapState(IdentityResolver.transfersAwaitedDescriptor());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<ResolverCarryOver> out)
                throws Exception {
            if (!IdentityResolver.GRAPH.equals(key)) {
                return;
            }
            List<Long> timers = new ArrayList<>(ctx.registeredEventTimeTimers());
            timers.sort(null);
            out.collect(
                    new ResolverCarryOver(
                            copy(suppressed.entries()),
                            copy(expiries.entries()),
                            copy(forwards.entries()),
                            copy(awaiting.entries()),
                            timers));
        }

        private static <K, V> Map<K, V> copy(Iterable<Map.Entry<K, V>> entries) {
            Map<K, V> map = new HashMap<>();
            entries.forEach(e -> map.put(e.getKey(), e.getValue()));
            return map;
        }
    }
}
