package io.rtprofile.state.bootstrap;

import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.state.IdentityAssignment;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ProfileEngineState;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the identity resolver's graph ({@code Uids.IDENTITY_RESOLVER}, one key) from the
 * snapshot's profiles: each identity assigned to its profile, each profile's identities, in the
 * order the profile lists them. What the resolver keeps besides the graph comes from a {@link
 * ResolverCarryOver}.
 *
 * <p>An identity's last-seen time is its profile's. The resolver's own is coarser (it is written at
 * most once an hour), and only orders which identity leaves a profile at the identity limit, so a
 * bootstrapped resolver can let a different one of two identities seen within the same hour go.
 *
 * <p>An identity claimed by two profiles of the snapshot is refused rather than guessed: a snapshot
 * is a partition of identities, and one that is not is corrupt.
 */
public final class IdentityGraphWriter
        extends KeyedStateBootstrapFunction<String, ProfileSnapshot> {
    private static final long serialVersionUID = 1L;

    private final ResolverCarryOver carryOver;
    private transient MapState<String, IdentityAssignment> assignments;
    private transient MapState<String, List<Identity>> members;

    /** The resolver is one key in one task, so one instance sees every profile. */
    private transient boolean carried;

    public IdentityGraphWriter(ResolverCarryOver carryOver) {
        this.carryOver = carryOver;
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        assignments = ctx.getMapState(IdentityResolver.assignmentsDescriptor());
        members = ctx.getMapState(IdentityResolver.membersDescriptor());
    }

    @Override
    public void processElement(ProfileSnapshot snapshot, Context ctx) throws Exception {
        if (!carried) {
            writeCarryOver(ctx);
            carried = true;
        }
        List<Identity> identities = new ArrayList<>();
        Map<String, Long> lastSeen = new HashMap<>();
        ProfileEngineState engine = snapshot.getEngine();
        if (engine != null && engine.getState() != null) {
            for (IdentityState i : engine.getState().getIdentities()) {
                Identity identity = new Identity(i.getNamespace(), i.getId());
                identities.add(identity);
                lastSeen.put(IdentityResolver.keyOf(identity), i.getLastSeen());
            }
        } else if (snapshot.getProfile() != null) {
            ProfileUpdate profile = snapshot.getProfile();
            for (Identity i : profile.getIdentities()) {
                identities.add(new Identity(i.getNamespace(), i.getId()));
                lastSeen.put(IdentityResolver.keyOf(i), profile.getUpdatedAt());
            }
        }
        if (identities.isEmpty()) {
            return; // a key that only holds events waiting for the watermark
        }
        String profileId = snapshot.getProfileId();
        for (Identity identity : identities) {
            String key = IdentityResolver.keyOf(identity);
            IdentityAssignment previous = assignments.get(key);
            if (previous != null && !previous.getProfileId().equals(profileId)) {
                throw new IllegalArgumentException(
                        "identity "
                                + key
                                + " belongs to two profiles of the snapshot, "
                                + previous.getProfileId()
                                + " and "
                                + profileId);
            }
            assignments.put(key, new IdentityAssignment(profileId, lastSeen.get(key)));
        }
        members.put(profileId, identities);
    }

    private void writeCarryOver(Context ctx) throws Exception {
        var runtime = getRuntimeContext();
        MapState<String, Long> suppressed =
                runtime.getMapState(IdentityResolver.suppressedIdentitiesDescriptor());
        carryOver.suppressed().forEach((k, v) -> put(suppressed, k, v));
        MapState<Long, List<String>> expiries =
                runtime.getMapState(IdentityResolver.suppressionExpiriesDescriptor());
        carryOver.expiries().forEach((k, v) -> put(expiries, k, new ArrayList<>(v)));
        MapState<String, String> forwards =
                runtime.getMapState(IdentityResolver.transfersInFlightDescriptor());
        carryOver.transfersInFlight().forEach((k, v) -> put(forwards, k, v));
        MapState<String, List<String>> awaiting =
                runtime.getMapState(IdentityResolver.transfersAwaitedDescriptor());
        carryOver.transfersAwaited().forEach((k, v) -> put(awaiting, k, new ArrayList<>(v)));
        for (long timer : carryOver.eventTimers()) {
            ctx.timerService().registerEventTimeTimer(timer);
        }
    }

    private static <K, V> void put(MapState<K, V> state, K key, V value) {
        try {
            state.put(key, value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
