package io.rtprofile.jobs.identity;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.ProfileKeys;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.json.EventJson;
import io.rtprofile.schema.json.Timestamps;
import io.rtprofile.schema.state.IdentityAssignment;
import io.rtprofile.schema.state.IdentityState;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The identity graph: which profile every known identity belongs to (docs/identity.md). It sees
 * every event and every transfer of an absorbed profile's state, one at a time, and tells the
 * profile operator what to do with each profile in a {@link ProfileInstruction}:
 *
 * <ul>
 *   <li>an event links the identities it carries: their profiles merge into one survivor (the one
 *       holding the highest-priority identity), each absorbed profile is told to ship its state
 *       ({@code absorbInto}) before the survivor is told to wait for it ({@code expect});
 *   <li>a link that would put two different {@code crm} ids into one profile is refused: the event
 *       goes, with only that profile's identities, to the profile of its highest-priority identity,
 *       and a {@link LinkRefusal} is reported;
 *   <li>a profile holds at most {@code maxIdentities}; the least recently seen leave first;
 *   <li>{@code privacy.delete} erases every profile its identities resolve to and suppresses the
 *       identities for a period (event time), rejecting events that carry them.
 * </ul>
 *
 * <p>The whole graph is one key ({@link #GRAPH}) of a keyed operator that runs with parallelism 1:
 * a single writer sees links in one order, so concurrent merges need no protocol and the graph is
 * always a partition. The state is keyed MapState (RocksDB: one entry per identity, incremental
 * checkpoints), so it scales with disk, not heap; the price is one thread for the lookups, measured
 * in docs/benchmarks.md. Its output reaches each profile task through one FIFO channel, which is
 * what orders an absorb before the events that follow it.
 */
public final class IdentityResolver
        extends KeyedCoProcessFunction<
                String, ExperienceEvent, ProfileTransfer, ProfileInstruction> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IdentityResolver.class);

    /** The one key the graph lives under. */
    public static final String GRAPH = "graph";

    public static final String CRM = "crm";
    public static final String PRIVACY_DELETE = "privacy.delete";

    /** Side output: refused links. */
    public static final OutputTag<LinkRefusal> REFUSED_LINKS =
            new OutputTag<>("refused-links", new AvroTypeInfo<>(LinkRefusal.class));

    /** Side output: events carrying an identity suppressed after a privacy.delete. */
    public static final OutputTag<RejectedEvent> SUPPRESSED =
            new OutputTag<>("suppressed-events", new AvroTypeInfo<>(RejectedEvent.class));

    /**
     * Side output: one end marker, once the events have ended (bounded runs, or a job that stops at
     * the latest events) and every transfer has arrived; a feedback edge that cannot be closed from
     * here (a Kafka topic) ends when it reads the marker back.
     */
    public static final OutputTag<ProfileTransfer> LOOP_END =
            new OutputTag<>("transfer-loop-end", new AvroTypeInfo<>(ProfileTransfer.class));

    /** The {@code absorbedId} of the end marker: never a profile id (those start with "p-"). */
    public static final String END_OF_TRANSFERS = "";

    /** The end marker on the feedback edge. */
    public static boolean isEndMarker(ProfileTransfer transfer) {
        return END_OF_TRANSFERS.equals(transfer.getAbsorbedId());
    }

    /**
     * How precisely "least recently seen" is kept: a sighting within this of the recorded one is
     * not written. Most events carry identities seen moments ago, and a state write per identity
     * per event on the one resolver thread buys nothing for choosing who leaves a full profile.
     */
    static final long LAST_SEEN_RESOLUTION = 60 * 60 * 1000L;

    /** The survivor of a profile whose transfer is in flight, when that survivor was erased. */
    private static final String ERASED = "";

    private final List<String> namespacePriority;
    private final int maxIdentities;
    private final long suppressionMillis;
    private final LoopCloser loopCloser;

    private transient MapState<String, IdentityAssignment> assignments;
    private transient MapState<String, List<Identity>> members;
    private transient MapState<String, String> forwards;
    private transient MapState<String, List<String>> awaiting;
    private transient MapState<String, Long> suppressed;
    private transient MapState<Long, List<String>> expiries;
    private transient Counter merges;
    private transient Counter refusals;
    private transient Counter evictions;
    private transient Counter erasures;
    private transient Counter suppressedEvents;
    private transient boolean eventsEnded;
    private transient boolean loopEnded;

    /**
     * @param loopCloser told when no transfer can arrive any more (bounded runs), or {@code null}
     */
    public IdentityResolver(ProfileJobSettings settings, LoopCloser loopCloser) {
        this.namespacePriority = List.copyOf(settings.namespaces());
        this.maxIdentities = settings.maxIdentities();
        this.suppressionMillis = settings.suppression().toMillis();
        this.loopCloser = loopCloser;
    }

    /** What a bounded run's feedback edge is told when the resolver can expect nothing more. */
    @FunctionalInterface
    public interface LoopCloser extends java.io.Serializable {
        void close();
    }

    // The descriptors are public for the state tools (issue 6).

    public static MapStateDescriptor<String, IdentityAssignment> assignmentsDescriptor() {
        return new MapStateDescriptor<>(
                "identity-assignments",
                StringSerializer.INSTANCE,
                new AvroSerializer<>(IdentityAssignment.class));
    }

    public static MapStateDescriptor<String, List<Identity>> membersDescriptor() {
        return new MapStateDescriptor<>(
                "profile-identities",
                StringSerializer.INSTANCE,
                new ListSerializer<>(new AvroSerializer<>(Identity.class)));
    }

    /** Absorbed profile id -> the survivor its transfer goes to, while it is in flight. */
    public static MapStateDescriptor<String, String> transfersInFlightDescriptor() {
        return new MapStateDescriptor<>(
                "transfers-in-flight", StringSerializer.INSTANCE, StringSerializer.INSTANCE);
    }

    /** Survivor profile id -> the absorbed profiles whose state it still waits for. */
    public static MapStateDescriptor<String, List<String>> transfersAwaitedDescriptor() {
        return new MapStateDescriptor<>(
                "transfers-awaited",
                StringSerializer.INSTANCE,
                new ListSerializer<>(StringSerializer.INSTANCE));
    }

    /** Identity key -> the event time until which an erased profile's identity is suppressed. */
    public static MapStateDescriptor<String, Long> suppressedIdentitiesDescriptor() {
        return new MapStateDescriptor<>(
                "suppressed-identities", StringSerializer.INSTANCE, LongSerializer.INSTANCE);
    }

    /** Event time -> the identity keys whose suppression ends then (the timers' index). */
    public static MapStateDescriptor<Long, List<String>> suppressionExpiriesDescriptor() {
        return new MapStateDescriptor<>(
                "suppression-expiries",
                LongSerializer.INSTANCE,
                new ListSerializer<>(StringSerializer.INSTANCE));
    }

    @Override
    public void open(OpenContext openContext) {
        var ctx = getRuntimeContext();
        assignments = ctx.getMapState(assignmentsDescriptor());
        members = ctx.getMapState(membersDescriptor());
        forwards = ctx.getMapState(transfersInFlightDescriptor());
        awaiting = ctx.getMapState(transfersAwaitedDescriptor());
        suppressed = ctx.getMapState(suppressedIdentitiesDescriptor());
        expiries = ctx.getMapState(suppressionExpiriesDescriptor());
        var metrics = ctx.getMetricGroup();
        merges = metrics.counter("identityMerges");
        refusals = metrics.counter("identityLinksRefused");
        evictions = metrics.counter("identitiesEvicted");
        erasures = metrics.counter("profilesErased");
        suppressedEvents = metrics.counter("suppressedEvents");
    }

    /** The state key of an identity: namespaces cannot contain ':'. */
    public static String keyOf(Identity identity) {
        return identity.getNamespace() + ":" + identity.getId();
    }

    @Override
    public void processElement1(
            ExperienceEvent event, Context ctx, Collector<ProfileInstruction> out)
            throws Exception {
        List<Identity> identities = distinct(event.getIdentities());
        if (PRIVACY_DELETE.equals(event.getType())) {
            erase(event, identities, ctx, out);
            return;
        }
        for (Identity identity : identities) {
            Long until = suppressed.get(keyOf(identity));
            if (until != null && event.getTimestamp() <= until) {
                suppressedEvents.inc();
                ctx.output(SUPPRESSED, suppressedRejection(event, identity, until));
                return;
            }
        }
        // One lookup per identity, shared by both paths below (null: unknown).
        List<IdentityAssignment> found = new ArrayList<>(identities.size());
        for (Identity identity : identities) {
            found.add(assignments.get(keyOf(identity)));
        }
        if (routeKnown(event, identities, found, out)) {
            return;
        }
        // The profiles the event's known identities belong to, and the crm ids they would join.
        Map<String, List<Identity>> linked = new LinkedHashMap<>();
        TreeSet<String> crmIds = new TreeSet<>();
        for (int i = 0; i < identities.size(); i++) {
            Identity identity = identities.get(i);
            IdentityAssignment assigned = found.get(i);
            if (assigned != null && !linked.containsKey(assigned.getProfileId())) {
                List<Identity> profileIdentities = members.get(assigned.getProfileId());
                linked.put(assigned.getProfileId(), profileIdentities);
                profileIdentities.stream()
                        .filter(member -> CRM.equals(member.getNamespace()))
                        .forEach(member -> crmIds.add(member.getId()));
            }
            if (CRM.equals(identity.getNamespace())) {
                crmIds.add(identity.getId());
            }
        }
        if (crmIds.size() > 1) {
            refuse(event, identities, linked, crmIds, ctx, out);
            return;
        }
        String survivor;
        if (linked.isEmpty()) {
            survivor = freshProfileId(routing(identities));
        } else {
            survivor =
                    linked.keySet().stream()
                            .min(Comparator.comparing(p -> bestRank(linked.get(p)), RANKED))
                            .orElseThrow();
        }
        List<Identity> survivorIdentities =
                linked.containsKey(survivor) ? linked.get(survivor) : new ArrayList<>();
        boolean grew = !linked.containsKey(survivor);
        List<String> expect = new ArrayList<>();
        for (String absorbed : linked.keySet()) {
            if (!absorbed.equals(survivor)) {
                absorb(absorbed, survivor, linked.get(absorbed), survivorIdentities, expect);
                out.collect(
                        ProfileInstruction.newBuilder()
                                .setProfileId(absorbed)
                                .setAbsorbInto(survivor)
                                .setAt(event.getTimestamp())
                                .build());
            }
        }
        for (Identity identity : identities) {
            String key = keyOf(identity);
            IdentityAssignment assigned = assignments.get(key);
            if (assigned == null) {
                grew = true;
                survivorIdentities.add(identity);
                assignments.put(key, new IdentityAssignment(survivor, event.getTimestamp()));
            } else if (event.getTimestamp() > assigned.getLastSeen() + LAST_SEEN_RESOLUTION
                    || !assigned.getProfileId().equals(survivor)) {
                assigned.setProfileId(survivor);
                assigned.setLastSeen(Math.max(assigned.getLastSeen(), event.getTimestamp()));
                assignments.put(key, assigned);
            }
        }
        List<Identity> evicted = evictBeyondLimit(survivorIdentities, identities);
        if (grew || !expect.isEmpty()) {
            members.put(survivor, survivorIdentities);
        }
        out.collect(
                ProfileInstruction.newBuilder()
                        .setProfileId(survivor)
                        .setEvent(event)
                        .setExpect(expect)
                        .setEvicted(evicted)
                        .build());
    }

    /**
     * The common case: every identity of the event already belongs to one profile, so nothing links
     * and nothing can conflict: a write only when a sighting moves the last-seen time on.
     *
     * @return whether the event was routed
     */
    private boolean routeKnown(
            ExperienceEvent event,
            List<Identity> identities,
            List<IdentityAssignment> found,
            Collector<ProfileInstruction> out)
            throws Exception {
        String profileId = null;
        for (IdentityAssignment assigned : found) {
            if (assigned == null
                    || (profileId != null && !profileId.equals(assigned.getProfileId()))) {
                return false;
            }
            profileId = assigned.getProfileId();
        }
        for (int i = 0; i < found.size(); i++) {
            IdentityAssignment assigned = found.get(i);
            if (event.getTimestamp() > assigned.getLastSeen() + LAST_SEEN_RESOLUTION) {
                assigned.setLastSeen(event.getTimestamp());
                assignments.put(keyOf(identities.get(i)), assigned);
            }
        }
        out.collect(
                ProfileInstruction.newBuilder().setProfileId(profileId).setEvent(event).build());
        return true;
    }

    /**
     * Moves an absorbed profile's identities to the survivor, and the transfers it was waiting for
     * with them: they are now the survivor's to wait for, and arrive there.
     */
    private void absorb(
            String absorbed,
            String survivor,
            List<Identity> absorbedIdentities,
            List<Identity> survivorIdentities,
            List<String> expect)
            throws Exception {
        merges.inc();
        for (Identity identity : absorbedIdentities) {
            String key = keyOf(identity);
            IdentityAssignment assigned = assignments.get(key);
            assigned.setProfileId(survivor);
            assignments.put(key, assigned);
            survivorIdentities.add(identity);
        }
        members.remove(absorbed);
        List<String> waits = new ArrayList<>(orEmpty(awaiting.get(survivor)));
        waits.add(absorbed);
        expect.add(absorbed);
        for (String inFlight : orEmpty(awaiting.get(absorbed))) {
            forwards.put(inFlight, survivor);
            waits.add(inFlight);
            expect.add(inFlight);
        }
        awaiting.remove(absorbed);
        awaiting.put(survivor, waits);
        forwards.put(absorbed, survivor);
    }

    /**
     * Keeps at most {@code maxIdentities}: the least recently seen leave first (ties: lower
     * priority first), never one the current event carries.
     */
    private List<Identity> evictBeyondLimit(List<Identity> profile, List<Identity> carried)
            throws Exception {
        int excess = profile.size() - maxIdentities;
        if (excess <= 0) {
            return List.of();
        }
        List<String> carriedKeys = carried.stream().map(IdentityResolver::keyOf).toList();
        Map<Identity, Long> lastSeen = new LinkedHashMap<>();
        for (Identity identity : profile) {
            if (!carriedKeys.contains(keyOf(identity))) {
                lastSeen.put(identity, assignments.get(keyOf(identity)).getLastSeen());
            }
        }
        List<Identity> leaving =
                lastSeen.keySet().stream()
                        .sorted(
                                Comparator.<Identity>comparingLong(lastSeen::get)
                                        .thenComparing(
                                                Comparator.comparing(this::rank, RANKED)
                                                        .reversed()))
                        .limit(excess)
                        .toList();
        for (Identity identity : leaving) {
            assignments.remove(keyOf(identity));
            profile.remove(identity);
            evictions.inc();
        }
        return leaving;
    }

    private void refuse(
            ExperienceEvent event,
            List<Identity> identities,
            Map<String, List<Identity>> linked,
            TreeSet<String> crmIds,
            Context ctx,
            Collector<ProfileInstruction> out)
            throws Exception {
        refusals.inc();
        Identity routing = routing(identities);
        String key = keyOf(routing);
        IdentityAssignment assigned = assignments.get(key);
        String target;
        List<Identity> targetIdentities;
        if (assigned == null) {
            target = freshProfileId(routing);
            targetIdentities = new ArrayList<>(List.of(routing));
            members.put(target, targetIdentities);
            assignments.put(key, new IdentityAssignment(target, event.getTimestamp()));
        } else {
            target = assigned.getProfileId();
            targetIdentities = linked.get(target);
        }
        // Only what already belongs to the target (or founded it) travels with the event.
        List<Identity> kept = new ArrayList<>();
        for (Identity identity : identities) {
            IdentityAssignment a = assignments.get(keyOf(identity));
            if (a != null && a.getProfileId().equals(target)) {
                kept.add(identity);
                if (event.getTimestamp() > a.getLastSeen() + LAST_SEEN_RESOLUTION) {
                    a.setLastSeen(event.getTimestamp());
                    assignments.put(keyOf(identity), a);
                }
            }
        }
        ctx.output(
                REFUSED_LINKS,
                LinkRefusal.newBuilder()
                        .setEventId(event.getEventId())
                        .setTimestamp(event.getTimestamp())
                        .setIdentities(identities)
                        .setCrmIds(new ArrayList<>(crmIds))
                        .setProfileIds(new ArrayList<>(new TreeSet<>(linked.keySet())))
                        .setRoutedTo(target)
                        .build());
        ExperienceEvent restricted = ExperienceEvent.newBuilder(event).setIdentities(kept).build();
        out.collect(
                ProfileInstruction.newBuilder().setProfileId(target).setEvent(restricted).build());
        LOG.debug(
                "Refused link of event {}: crm ids {}; applied to {} ({} identities)",
                event.getEventId(),
                crmIds,
                target,
                targetIdentities.size());
    }

    private void erase(
            ExperienceEvent event,
            List<Identity> identities,
            Context ctx,
            Collector<ProfileInstruction> out)
            throws Exception {
        long until = event.getTimestamp() + suppressionMillis;
        TreeSet<String> profiles = new TreeSet<>();
        List<Identity> toSuppress = new ArrayList<>(identities);
        for (Identity identity : identities) {
            IdentityAssignment assigned = assignments.get(keyOf(identity));
            if (assigned != null) {
                profiles.add(assigned.getProfileId());
            }
        }
        for (String profileId : profiles) {
            for (Identity identity : members.get(profileId)) {
                assignments.remove(keyOf(identity));
                toSuppress.add(identity);
            }
            members.remove(profileId);
            // State still on its way to the erased profile is dropped when it arrives.
            for (String inFlight : orEmpty(awaiting.get(profileId))) {
                forwards.put(inFlight, ERASED);
            }
            awaiting.remove(profileId);
            erasures.inc();
            out.collect(
                    ProfileInstruction.newBuilder()
                            .setProfileId(profileId)
                            .setErase(true)
                            .setAt(event.getTimestamp())
                            .build());
        }
        if (suppressionMillis > 0) {
            List<String> expiring = new ArrayList<>(orEmpty(expiries.get(until)));
            for (Identity identity : toSuppress) {
                String key = keyOf(identity);
                Long previous = suppressed.get(key);
                if (previous == null || previous < until) {
                    suppressed.put(key, until);
                    expiring.add(key);
                }
            }
            expiries.put(until, expiring);
            ctx.timerService().registerEventTimeTimer(until);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileInstruction> out)
            throws Exception {
        for (String key : orEmpty(expiries.get(timestamp))) {
            Long until = suppressed.get(key);
            if (until != null && until <= timestamp) {
                suppressed.remove(key);
            }
        }
        expiries.remove(timestamp);
    }

    /** Routes an absorbed profile's state to where its identities are now. */
    @Override
    public void processElement2(
            ProfileTransfer transfer, Context ctx, Collector<ProfileInstruction> out)
            throws Exception {
        String absorbed = transfer.getAbsorbedId();
        String target = forwards.get(absorbed);
        forwards.remove(absorbed);
        if (target == null) {
            LOG.warn("Transfer of {} that no merge awaits; dropped", absorbed);
        } else if (!target.equals(ERASED)) {
            List<String> waits = new ArrayList<>(orEmpty(awaiting.get(target)));
            waits.remove(absorbed);
            if (waits.isEmpty()) {
                awaiting.remove(target);
            } else {
                awaiting.put(target, waits);
            }
            // Identities that left the profile meanwhile (the limit, an erasure) stay behind.
            List<IdentityState> kept = new ArrayList<>();
            for (IdentityState identity : transfer.getState().getIdentities()) {
                IdentityAssignment assigned =
                        assignments.get(identity.getNamespace() + ":" + identity.getId());
                if (assigned != null && assigned.getProfileId().equals(target)) {
                    kept.add(identity);
                }
            }
            transfer.getState().setIdentities(kept);
            out.collect(
                    ProfileInstruction.newBuilder()
                            .setProfileId(target)
                            .setTransfer(transfer)
                            .build());
        }
        endLoopIfQuiet(marker -> ctx.output(LOOP_END, marker));
    }

    /**
     * The events have ended (a bounded run, or a job that stops at the latest events): called by
     * {@link IdentityResolverOperator} with the graph's key set.
     */
    void eventsEnded(Consumer<ProfileTransfer> loopEnd) throws Exception {
        eventsEnded = true;
        endLoopIfQuiet(loopEnd);
    }

    private void endLoopIfQuiet(Consumer<ProfileTransfer> loopEnd) throws Exception {
        if (!eventsEnded || loopEnded || !forwards.isEmpty()) {
            return;
        }
        loopEnded = true;
        loopEnd.accept(
                new ProfileTransfer(
                        END_OF_TRANSFERS, ProfileMerger.newProfile(END_OF_TRANSFERS), List.of()));
        if (loopCloser != null) {
            loopCloser.close();
        }
    }

    /** The identity an event is routed by: the highest priority, then the smallest id. */
    private Identity routing(List<Identity> identities) {
        return identities.stream().min(Comparator.comparing(this::rank, RANKED)).orElseThrow();
    }

    private record Rank(int namespace, String namespaceName, String id) {}

    private static final Comparator<Rank> RANKED =
            Comparator.comparingInt(Rank::namespace)
                    .thenComparing(Rank::namespaceName)
                    .thenComparing(Rank::id);

    private Rank rank(Identity identity) {
        int rank = namespacePriority.indexOf(identity.getNamespace());
        return new Rank(
                rank < 0 ? namespacePriority.size() : rank,
                identity.getNamespace(),
                identity.getId());
    }

    private Rank bestRank(List<Identity> identities) {
        return identities.stream().map(this::rank).min(RANKED).orElseThrow();
    }

    /**
     * The id of a profile founded by {@code identity}: derived from it, so replays give the same
     * ids; if a live profile or an absorbed one still in flight has it (the identity founded a
     * profile before and left it), the next derivation.
     */
    private String freshProfileId(Identity identity) throws Exception {
        for (int attempt = 0; ; attempt++) {
            String id = ProfileKeys.profileIdFor(identity, attempt);
            if (!members.contains(id) && !forwards.contains(id)) {
                return id;
            }
        }
    }

    private static List<Identity> distinct(List<Identity> identities) {
        Map<String, Identity> byKey = new LinkedHashMap<>();
        for (Identity identity : identities) {
            byKey.putIfAbsent(keyOf(identity), identity);
        }
        return new ArrayList<>(byKey.values());
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static RejectedEvent suppressedRejection(
            ExperienceEvent event, Identity identity, long until) {
        return RejectedEvent.newBuilder()
                .setReason(
                        "identity "
                                + keyOf(identity)
                                + " was erased by privacy.delete and is suppressed until "
                                + Timestamps.format(until))
                .setOriginal(
                        ByteBuffer.wrap(EventJson.toJson(event).getBytes(StandardCharsets.UTF_8)))
                .setOrigin(new EventOrigin(null, null, null, null, null))
                .setRejectedAt(System.currentTimeMillis())
                .build();
    }
}
