package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.internal.ProfileOutput;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test of segment evaluation: random definitions from the grammar over random event
 * streams, run through the real pipeline on a mini-cluster and through {@link
 * ReferenceSegmentEvaluator}; the transitions must agree.
 *
 * <p>To reproduce one case, run with {@code -Drtprofile.diff.seeds=<seed>} (comma-separated); a
 * failure prints the seed, the definitions and the events of each disagreeing profile. {@code
 * -Drtprofile.diff.parallelism=1} runs the pipeline at parallelism 1 instead of 2, which tells
 * evaluation bugs apart from events reaching a profile out of order inside the job.
 */
class SegmentDifferentialITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final int REPORTED_PROFILES_PER_SEED = 3;

    @TempDir Path dir;

    @Test
    void orderedStreamsHaveExactlyTheReferenceTransitions() throws Exception {
        List<String> failures = new ArrayList<>();
        for (long seed : seeds(1, 8)) {
            Case c = Case.random(seed);
            List<String> lines = c.events.stream().map(e -> e.json(isoFor(e))).toList();
            Map<String, List<ProfileUpdate>> updates = run(c, lines, ProfileJobSettings.defaults());

            ReferenceSegmentEvaluator reference = new ReferenceSegmentEvaluator(c.definitions);
            List<String> disagreements = new ArrayList<>();
            for (Map.Entry<String, List<RandomSegments.Event>> p : c.byCustomer().entrySet()) {
                var expected = reference.transitions(p.getValue(), c.asOf());
                var actual = transitions(updates.getOrDefault(p.getKey(), List.of()));
                if (!expected.equals(actual)) {
                    disagreements.add(
                            describe(p.getKey(), p.getValue(), "transitions", expected, actual));
                }
            }
            if (!disagreements.isEmpty()) {
                failures.add(c.report(disagreements));
            }
        }
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    @Test
    void outOfOrderStreamsEndInTheReferenceMemberships() throws Exception {
        long lateness = 10 * 60_000L;
        ProfileJobSettings settings =
                ProfileJobSettings.from(
                        Configuration.fromMap(
                                Map.of("rtprofile.events.out-of-orderness", "10 min")));
        List<String> failures = new ArrayList<>();
        for (long seed : seeds(101, 4)) {
            Case c = Case.random(seed);
            // Each event moves later by less than the allowed lateness: anything read before it
            // is at most that much newer, so it is never late.
            Random shuffle = new Random(seed * 31 + 7);
            Map<RandomSegments.Event, Long> arrival = new java.util.HashMap<>();
            c.events.forEach(
                    e ->
                            arrival.put(
                                    e,
                                    e.timestamp()
                                            + (long) (shuffle.nextDouble() * (lateness - 1_000))));
            List<RandomSegments.Event> shuffled = new ArrayList<>(c.events);
            shuffled.sort(Comparator.comparingLong(arrival::get));
            List<String> lines = shuffled.stream().map(e -> e.json(isoFor(e))).toList();
            Map<String, List<ProfileUpdate>> updates = run(c, lines, settings);

            ReferenceSegmentEvaluator reference = new ReferenceSegmentEvaluator(c.definitions);
            List<String> disagreements = new ArrayList<>();
            for (Map.Entry<String, List<RandomSegments.Event>> p : c.byCustomer().entrySet()) {
                Set<String> expected = reference.finalMembers(p.getValue(), c.asOf());
                Set<String> actual = finalMembers(updates.getOrDefault(p.getKey(), List.of()));
                if (!expected.equals(actual)) {
                    List<RandomSegments.Event> inFileOrder =
                            shuffled.stream().filter(e -> e.customer().equals(p.getKey())).toList();
                    disagreements.add(
                            describe(
                                    p.getKey(),
                                    inFileOrder,
                                    "final memberships (events in file order)",
                                    expected,
                                    actual));
                }
            }
            if (!disagreements.isEmpty()) {
                failures.add(c.report(disagreements));
            }
        }
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    /**
     * A reduction of what the random runs found (seed 7): when one expression feeds both a numeric
     * aggregate (here max) and distinct, an event whose value is a string must still count for
     * distinct, whichever aggregate reads it first.
     */
    @Test
    void distinctCountsAStringValueThatANumericAggregateOfTheSameExpressionSkips()
            throws Exception {
        String text =
                String.join(
                        "\n",
                        "- id: a-max",
                        "  name: largest v in the hour",
                        "  condition:",
                        "    events: {within: 1h, max: event.properties.v, value: \">= 0\"}",
                        "- id: b-distinct",
                        "  name: at least one distinct v in the hour",
                        "  condition:",
                        "    events: {within: 1h, distinct: event.properties.v, value: \">= 1\"}");
        List<RandomSegments.Event> events =
                List.of(
                        new RandomSegments.Event(
                                "e-1", RandomSegments.START, "a", "C-1", "3", null));
        Case c = new Case(0, text, SegmentDefinitions.parse("repro.yaml", text), events);
        var expected = new ReferenceSegmentEvaluator(c.definitions).transitions(c.events, c.asOf());
        assertThat(expected)
                .containsExactly(
                        new ReferenceSegmentEvaluator.Transition(
                                "b-distinct", "realized", RandomSegments.START));

        Map<String, List<ProfileUpdate>> updates =
                run(
                        c,
                        events.stream().map(e -> e.json(false)).toList(),
                        ProfileJobSettings.defaults());
        var actual = transitions(updates.getOrDefault("C-1", List.of()));
        assertThat(actual)
                .as(
                        "definitions:\n%s\n%s",
                        text, describe("C-1", events, "transitions", expected, actual))
                .isEqualTo(expected);
    }

    /**
     * A reduction of what the random runs found at parallelism 2: with the file in (timestamp,
     * eventId) order, a segment every event qualifies for must be realized at each profile's first
     * event (contract section 5: for input in timestamp order the transitions are exact).
     */
    @Test
    void orderedInputIsRealizedAtEachProfilesFirstEvent() throws Exception {
        String text =
                "- id: seen\n  name: any event ever\n  condition: {events: {within: lifetime}}";
        List<RandomSegments.Event> events = RandomSegments.events(new Random(1), 30, 5, 40);
        Case c = new Case(1, text, SegmentDefinitions.parse("seen.yaml", text), events);
        Map<String, List<ProfileUpdate>> updates =
                run(
                        c,
                        events.stream().map(e -> e.json(false)).toList(),
                        ProfileJobSettings.defaults());
        List<String> disagreements = new ArrayList<>();
        for (Map.Entry<String, List<RandomSegments.Event>> p : c.byCustomer().entrySet()) {
            var expected =
                    List.of(
                            new ReferenceSegmentEvaluator.Transition(
                                    "seen", "realized", p.getValue().get(0).timestamp()));
            var actual = transitions(updates.getOrDefault(p.getKey(), List.of()));
            if (!expected.equals(actual)) {
                disagreements.add(
                        describe(p.getKey(), p.getValue(), "transitions", expected, actual));
            }
        }
        assertThat(disagreements).as(c.report(disagreements)).isEmpty();
    }

    /**
     * The seeds to run: {@code -Drtprofile.diff.seeds=...}, or {@code count} from {@code first}.
     */
    private static long[] seeds(long first, int count) {
        String given = System.getProperty("rtprofile.diff.seeds");
        if (given != null && !given.isBlank()) {
            return java.util.Arrays.stream(given.split(","))
                    .map(String::trim)
                    .mapToLong(Long::parseLong)
                    .toArray();
        }
        return LongStream.range(first, first + count).toArray();
    }

    /** Both timestamp forms of the contract, chosen per event but stably. */
    private static boolean isoFor(RandomSegments.Event e) {
        return e.eventId().hashCode() % 3 == 0;
    }

    /** One random case: definitions (text and parsed) and events. */
    private record Case(
            long seed,
            String text,
            List<SegmentDefinition> definitions,
            List<RandomSegments.Event> events) {

        static Case random(long seed) throws Exception {
            Random r = new Random(seed);
            String text = RandomSegments.definitions(r, 5 + r.nextInt(8));
            List<SegmentDefinition> definitions = SegmentDefinitions.parse("random.json", text);
            List<RandomSegments.Event> events = RandomSegments.events(r, 20 + r.nextInt(21), 5, 40);
            return new Case(seed, text, definitions, events);
        }

        long asOf() {
            return events.stream().mapToLong(RandomSegments.Event::timestamp).max().orElseThrow();
        }

        Map<String, List<RandomSegments.Event>> byCustomer() {
            Map<String, List<RandomSegments.Event>> by = new TreeMap<>();
            events.forEach(e -> by.computeIfAbsent(e.customer(), k -> new ArrayList<>()).add(e));
            return by;
        }

        String report(List<String> disagreements) {
            return "\n=== seed "
                    + seed
                    + ": "
                    + disagreements.size()
                    + " of "
                    + byCustomer().size()
                    + " profiles disagree (reproduce with -Drtprofile.diff.seeds="
                    + seed
                    + "); as-of "
                    + java.time.Instant.ofEpochMilli(asOf())
                    + "\n--- definitions:\n"
                    + text
                    + "\n"
                    + disagreements.stream()
                            .limit(REPORTED_PROFILES_PER_SEED)
                            .collect(Collectors.joining("\n"));
        }
    }

    private static String describe(
            String customer,
            List<RandomSegments.Event> events,
            String what,
            Object expected,
            Object actual) {
        return "--- profile "
                + customer
                + ", "
                + what
                + "\n expected (reference): "
                + expected
                + "\n actual (pipeline):    "
                + actual
                + "\n events:\n"
                + events.stream().map(e -> "  " + e).collect(Collectors.joining("\n"));
    }

    /** Runs the pipeline over {@code lines}; updates by customer, in version order. */
    private Map<String, List<ProfileUpdate>> run(
            Case c, List<String> lines, ProfileJobSettings settings) throws Exception {
        Path file = dir.resolve("events-" + c.seed + ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(new Configuration()));
        env.setParallelism(Integer.getInteger("rtprofile.diff.parallelism", 2));
        ConcurrentLinkedQueue<ProfileOutput> outputs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<RejectedEvent> rejected = new ConcurrentLinkedQueue<>();
        BoundedProfileRun.run(
                env,
                file,
                settings,
                SegmentCatalog.of(c.definitions),
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                outputs::add,
                rejected::add);
        assertThat(rejected).as("rejected events of seed " + c.seed).isEmpty();
        List<ProfileUpdate> updates = FinalProfiles.updates(outputs);

        Map<String, String> customerOf = new TreeMap<>();
        Map<String, List<ProfileUpdate>> byCustomer = new TreeMap<>();
        for (ProfileUpdate update : updates) {
            String customer = null;
            for (Identity identity : update.getIdentities()) {
                if ("crm".equals(identity.getNamespace())) {
                    customer = identity.getId();
                }
            }
            assertThat(customer).as("crm id of " + update).isNotNull();
            String previous = customerOf.put(update.getProfileId(), customer);
            assertThat(previous == null || previous.equals(customer)).isTrue();
            byCustomer.computeIfAbsent(customer, k -> new ArrayList<>()).add(update);
        }
        byCustomer
                .values()
                .forEach(list -> list.sort(Comparator.comparingLong(u -> u.getVersion())));
        return byCustomer;
    }

    private static List<ReferenceSegmentEvaluator.Transition> transitions(
            List<ProfileUpdate> updates) {
        List<ReferenceSegmentEvaluator.Transition> transitions = new ArrayList<>();
        for (ProfileUpdate update : updates) {
            for (SegmentChange change : update.getSegmentChanges()) {
                transitions.add(
                        new ReferenceSegmentEvaluator.Transition(
                                change.getSegmentId(), change.getStatus().name(), change.getAt()));
            }
        }
        return transitions;
    }

    private static Set<String> finalMembers(List<ProfileUpdate> updates) {
        Set<String> members = new TreeSet<>();
        if (!updates.isEmpty()) {
            Map<String, SegmentMembership> segments = updates.get(updates.size() - 1).getSegments();
            segments.forEach(
                    (id, membership) -> {
                        if (membership.getStatus() != SegmentStatus.exited) {
                            members.add(id);
                        }
                    });
        }
        return members;
    }
}
