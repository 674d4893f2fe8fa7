package io.rtprofile.jobs.identity;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.jobs.testing.SampleEvents;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.TombstoneReason;
import io.rtprofile.schema.json.EventJson;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity graph through the whole workflow (resolver, profile operator and the feedback edge
 * of bounded runs) on a mini-cluster at parallelism 2.
 */
class IdentityGraphITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final long M = Duration.ofMinutes(1).toMillis();
    private static final long D = Duration.ofDays(1).toMillis();
    private static final ProfileJobSettings SETTINGS = ProfileJobSettings.defaults();

    /** Lifetime windows: the final memberships are a function of each profile's set of events. */
    private static final String LIFETIME_SEGMENTS =
            """
            - id: searcher
              name: Three searches
              condition:
                events: {where: event.type == "web.search", within: lifetime, count: ">= 3"}
            - id: browser-only
              name: Searched, never bought
              condition:
                all:
                  - events: {where: event.type == "web.search", within: lifetime}
                  - not:
                      events: {where: event.type == "commerce.purchase", within: lifetime}
            """;

    @TempDir Path dir;

    /**
     * Random link streams in random order against a plain union-find: the final partition of
     * identities into profiles, every profile's attributes and its memberships agree. No customer
     * has two crm ids and none reaches the identity limit, so no link is refused and nothing is
     * evicted: the result may not depend on order.
     */
    @Test
    void randomLinkStreamsInRandomOrderAgreeWithAUnionFindReference() throws Exception {
        SegmentCatalog segments =
                SegmentCatalog.of(SegmentDefinitions.parse("lifetime.yaml", LIFETIME_SEGMENTS));
        for (long seed : seeds()) {
            Random random = new Random(seed);
            List<ExperienceEvent> events = randomLinkStream(random, 30, 300);
            List<String> lines = new ArrayList<>();
            events.forEach(e -> lines.add(EventJson.toJson(e)));
            Collections.shuffle(lines, random);

            Run run = run(lines, segments, 2);

            assertThat(run.rejected).as("seed %d", seed).isEmpty();
            FinalProfiles.assertOutputVersionsContiguous(run.outputs);
            assertThat(FinalProfiles.updates(run.outputs))
                    .as("seed %d: every update shows a profile with identities", seed)
                    .allSatisfy(u -> assertThat(u.getIdentities()).isNotEmpty());
            Map<Set<String>, Expected> expected = reference(events);
            Map<Set<String>, ProfileUpdate> actual = new HashMap<>();
            for (ProfileUpdate profile : FinalProfiles.live(run.outputs).values()) {
                Set<String> identities =
                        profile.getIdentities().stream()
                                .map(IdentityResolver::keyOf)
                                .collect(Collectors.toCollection(TreeSet::new));
                assertThat(actual.put(identities, profile))
                        .as("seed %d: identities in two profiles", seed)
                        .isNull();
            }
            assertThat(actual.keySet())
                    .as("seed %d: the partition of identities into profiles", seed)
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach(
                    (identities, want) -> {
                        ProfileUpdate got = ProfileMerger.standing(actual.get(identities));
                        assertThat(new TreeMap<>(got.getAttributes()).toString())
                                .as("seed %d: attributes of %s", seed, identities)
                                .isEqualTo(new TreeMap<>(want.attributes()).toString());
                        assertThat(new TreeSet<>(got.getSegments().keySet()))
                                .as("seed %d: memberships of %s", seed, identities)
                                .isEqualTo(want.segments());
                    });

            // With segments every event waits for the watermark, which a small file outruns:
            // profiles merge before they have shown anything. Without segments they show each
            // event at once, so merges absorb profiles downstream has seen, with tombstones.
            Run immediate = run(lines, SegmentCatalog.empty(), 2);
            FinalProfiles.assertOutputVersionsContiguous(immediate.outputs);
            assertThat(immediate.tombstones(TombstoneReason.merged))
                    .as("seed %d: profiles merged after they were shown", seed)
                    .isPositive();
            Map<Set<String>, String> attributes = new HashMap<>();
            for (ProfileUpdate profile : FinalProfiles.live(immediate.outputs).values()) {
                Set<String> identities =
                        profile.getIdentities().stream()
                                .map(IdentityResolver::keyOf)
                                .collect(Collectors.toCollection(TreeSet::new));
                attributes.put(identities, new TreeMap<>(profile.getAttributes()).toString());
            }
            assertThat(attributes.keySet())
                    .as("seed %d: the partition without segments", seed)
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach(
                    (identities, want) ->
                            assertThat(attributes.get(identities))
                                    .as(
                                            "seed %d: attributes of %s without segments",
                                            seed, identities)
                                    .isEqualTo(new TreeMap<>(want.attributes()).toString()));
        }
    }

    @Test
    void anonymousSearchesCountInASegmentAfterTheLoginThatLinksThem() throws Exception {
        SegmentCatalog segments =
                SegmentCatalog.of(
                        SegmentDefinitions.parse(
                                "keen.yaml",
                                """
                                id: keen-searcher
                                name: Three searches in 30 days, nothing bought
                                condition:
                                  all:
                                    - events: {where: event.type == "web.search", within: 30d, count: ">= 3"}
                                    - not:
                                        events: {where: event.type == "commerce.purchase", within: 30d}
                                """));
        List<ExperienceEvent> events =
                List.of(
                        search("s1", T0, "ecid", "phone-1"),
                        search("s2", T0 + M, "ecid", "phone-1"),
                        search("s3", T0 + 2 * M, "email", "ann@example.com"),
                        SampleEvents.event("login")
                                .at(T0 + 3 * M)
                                .type("web.login")
                                .identity("ecid", "phone-1")
                                .identity("email", "ann@example.com")
                                .build(),
                        SampleEvents.event("later")
                                .at(T0 + 40 * D)
                                .type("web.view")
                                .identity("email", "ann@example.com")
                                .build());

        // Parallelism 1 keeps the file's order up to the resolver: the login comes third.
        Run run = run(events.stream().map(EventJson::toJson).toList(), segments, 1);

        FinalProfiles.assertOutputVersionsContiguous(run.outputs);
        Map<String, ProfileUpdate> live = FinalProfiles.live(run.outputs);
        assertThat(live).hasSize(1);
        ProfileUpdate ann = live.values().iterator().next();
        assertThat(ann.getIdentities())
                .containsExactly(
                        new Identity("email", "ann@example.com"), new Identity("ecid", "phone-1"));
        List<String> changes = new ArrayList<>();
        FinalProfiles.updates(run.outputs)
                .forEach(
                        u ->
                                u.getSegmentChanges()
                                        .forEach(
                                                c -> changes.add(c.getStatus() + " " + c.getAt())));
        // Realized on the merged profile at the third search, exited when the first anonymous
        // search left the 30-day window: the anonymous events counted.
        assertThat(changes)
                .containsExactly(
                        SegmentStatus.realized + " " + (T0 + 2 * M),
                        SegmentStatus.exited + " " + (T0 + 30 * D));
        // The phone's profile merged before it showed anything (its events were waiting for
        // the watermark), so it needs no tombstone.
        assertThat(run.tombstones(TombstoneReason.merged)).isZero();
    }

    @Test
    void privacyDeleteErasesTheMergedProfileAndRejectsStaleEventsForItsIdentities()
            throws Exception {
        List<ExperienceEvent> events =
                List.of(
                        SampleEvents.event("a")
                                .at(T0)
                                .identity("ecid", "phone-1")
                                .attribute("country", "FR")
                                .build(),
                        SampleEvents.event("b")
                                .at(T0 + M)
                                .identity("ecid", "phone-1")
                                .identity("email", "ann@example.com")
                                .build(),
                        SampleEvents.event("forget-me")
                                .at(T0 + D)
                                .type(IdentityResolver.PRIVACY_DELETE)
                                .identity("email", "ann@example.com")
                                .build(),
                        SampleEvents.event("stale")
                                .at(T0 + 2 * M)
                                .identity("ecid", "phone-1")
                                .attribute("country", "DE")
                                .build(),
                        SampleEvents.event("bob")
                                .at(T0 + 2 * D)
                                .identity("email", "bob@example.com")
                                .build());

        // Parallelism 1 keeps the file's order: the stale event comes after the deletion.
        Run run = run(events.stream().map(EventJson::toJson).toList(), SegmentCatalog.empty(), 1);

        assertThat(FinalProfiles.live(run.outputs).values())
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.getIdentities())
                                        .containsExactly(new Identity("email", "bob@example.com")));
        assertThat(run.tombstones(TombstoneReason.erased)).isEqualTo(1);
        assertThat(run.rejected)
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r.getReason())
                                        .contains("ecid:phone-1")
                                        .contains("suppressed until"));
    }

    private static ExperienceEvent search(String id, long at, String namespace, String value) {
        return SampleEvents.event(id).at(at).type("web.search").identity(namespace, value).build();
    }

    /**
     * Customers with one to four devices and maybe an email, a phone and one crm id; each event
     * carries one to three of its customer's identities, so links arrive in every order, chains
     * included, and some customers stay in several pieces.
     */
    private static List<ExperienceEvent> randomLinkStream(Random random, int customers, int count) {
        List<List<Identity>> identities = new ArrayList<>();
        for (int c = 0; c < customers; c++) {
            List<Identity> own = new ArrayList<>();
            int devices = 1 + random.nextInt(4);
            for (int d = 0; d < devices; d++) {
                own.add(new Identity("ecid", "dev-" + c + "-" + d));
            }
            if (random.nextBoolean()) {
                own.add(new Identity("email", "c" + c + "@example.com"));
            }
            if (random.nextInt(3) == 0) {
                own.add(new Identity("phone", "+33-" + c));
            }
            if (random.nextInt(3) == 0) {
                own.add(new Identity("crm", "C-" + c));
            }
            identities.add(own);
        }
        String[] types = {"web.search", "web.search", "web.view", "commerce.purchase"};
        String[] sources = {"web", "crm", "pos", "app"};
        String[] tiers = {"bronze", "silver", "gold"};
        List<ExperienceEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Identity> own = new ArrayList<>(identities.get(random.nextInt(customers)));
            Collections.shuffle(own, random);
            int carried = Math.min(own.size(), 1 + random.nextInt(random.nextInt(4) == 0 ? 3 : 2));
            SampleEvents.Builder event =
                    SampleEvents.event(String.format("e-%04d", i))
                            .at(T0 + random.nextInt(10 * 24 * 60) * M)
                            .type(types[random.nextInt(types.length)])
                            .source(sources[random.nextInt(sources.length)]);
            own.subList(0, carried).forEach(id -> event.identity(id.getNamespace(), id.getId()));
            if (random.nextInt(3) == 0) {
                event.attribute("tier", tiers[random.nextInt(tiers.length)]);
            }
            if (random.nextInt(4) == 0) {
                event.attribute("score", (long) random.nextInt(5));
            }
            events.add(event.build());
        }
        return events;
    }

    private record Expected(Map<String, Object> attributes, Set<String> segments) {}

    /** Union-find over the events' identities; each component folded as one profile. */
    private static Map<Set<String>, Expected> reference(List<ExperienceEvent> events) {
        Map<String, String> parent = new HashMap<>();
        for (ExperienceEvent event : events) {
            String first = IdentityResolver.keyOf(event.getIdentities().get(0));
            for (Identity identity : event.getIdentities()) {
                union(parent, first, IdentityResolver.keyOf(identity));
            }
        }
        Map<String, List<ExperienceEvent>> byRoot = new TreeMap<>();
        Map<String, Set<String>> members = new TreeMap<>();
        for (ExperienceEvent event : events) {
            String root = find(parent, IdentityResolver.keyOf(event.getIdentities().get(0)));
            byRoot.computeIfAbsent(root, k -> new ArrayList<>()).add(event);
            for (Identity identity : event.getIdentities()) {
                members.computeIfAbsent(root, k -> new TreeSet<>())
                        .add(IdentityResolver.keyOf(identity));
            }
        }
        ProfileMerger merger = new ProfileMerger(SETTINGS);
        Map<Set<String>, Expected> expected = new HashMap<>();
        byRoot.forEach(
                (root, own) -> {
                    ProfileState state = ProfileMerger.newProfile(root);
                    own.forEach(e -> merger.apply(state, e));
                    long searches =
                            own.stream().filter(e -> e.getType().equals("web.search")).count();
                    boolean bought =
                            own.stream().anyMatch(e -> e.getType().equals("commerce.purchase"));
                    Set<String> segments = new TreeSet<>();
                    if (searches >= 3) {
                        segments.add("searcher");
                    }
                    if (searches >= 1 && !bought) {
                        segments.add("browser-only");
                    }
                    expected.put(
                            members.get(root),
                            new Expected(merger.snapshot(state).getAttributes(), segments));
                });
        return expected;
    }

    private static String find(Map<String, String> parent, String x) {
        String p = parent.getOrDefault(x, x);
        if (p.equals(x)) {
            return x;
        }
        String root = find(parent, p);
        parent.put(x, root);
        return root;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(ra, rb);
        }
    }

    private static List<Long> seeds() {
        String property = System.getProperty("rtprofile.identity.seeds", "1,2,3");
        List<Long> seeds = new ArrayList<>();
        for (String part : property.split(",")) {
            if (part.contains("-")) {
                String[] range = part.split("-");
                for (long s = Long.parseLong(range[0]); s <= Long.parseLong(range[1]); s++) {
                    seeds.add(s);
                }
            } else {
                seeds.add(Long.parseLong(part.trim()));
            }
        }
        return seeds;
    }

    private static final class Run {
        final List<ProfileOutput> outputs = new ArrayList<>();
        final List<RejectedEvent> rejected = new ArrayList<>();

        long tombstones(TombstoneReason reason) {
            return outputs.stream()
                    .filter(o -> o.getTombstone() != null && o.getTombstone().getReason() == reason)
                    .count();
        }
    }

    private Run run(List<String> lines, SegmentCatalog segments, int parallelism) throws Exception {
        Path file = Files.createTempFile(dir, "events", ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(new Configuration()));
        env.setParallelism(parallelism);
        ConcurrentLinkedQueue<ProfileOutput> outputs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<RejectedEvent> rejected = new ConcurrentLinkedQueue<>();
        BoundedProfileRun.run(
                env,
                file,
                SETTINGS,
                segments,
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                outputs::add,
                rejected::add);
        Run run = new Run();
        run.outputs.addAll(outputs);
        run.rejected.addAll(rejected);
        return run;
    }
}
