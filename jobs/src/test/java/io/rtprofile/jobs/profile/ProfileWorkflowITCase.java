package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.jobs.testing.TestEvents;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole profile workflow over files on a mini-cluster (parallelism 2). */
class ProfileWorkflowITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @TempDir Path dir;

    @Test
    void finalProfilesDoNotDependOnArrivalOrder() throws Exception {
        List<String> events = TestEvents.random(new Random(7), 3000, 120);
        List<String> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(11));

        Run ordered = run(write("ordered.jsonl", events));
        Run reordered = run(write("shuffled.jsonl", shuffled));

        assertThat(ordered.rejected).isEmpty();
        assertThat(ordered.finalProfiles()).hasSizeGreaterThan(50);
        assertThat(FinalProfiles.withoutVersion(reordered.finalProfiles()))
                .isEqualTo(FinalProfiles.withoutVersion(ordered.finalProfiles()));
    }

    @Test
    void versionsAreContiguousAndDuplicatesIgnored() throws Exception {
        List<String> events = TestEvents.random(new Random(3), 2000, 50);
        List<String> withDuplicates = new ArrayList<>(events);
        withDuplicates.addAll(events.subList(0, 500)); // a replayed batch
        Run once = run(write("once.jsonl", events));
        Run twice = run(write("twice.jsonl", withDuplicates));

        Map<String, List<Long>> versions = new TreeMap<>();
        for (ProfileUpdate update : twice.updates) {
            versions.computeIfAbsent(update.getProfileId(), k -> new ArrayList<>())
                    .add(update.getVersion());
        }
        versions.forEach(
                (profile, seen) -> {
                    for (int i = 0; i < seen.size(); i++) {
                        assertThat(seen.get(i)).as(profile).isEqualTo(i + 1L);
                    }
                });
        // The number of updates depends on the order events meet at a profile (an older value
        // arriving after a newer one changes nothing), and with two upstream subtasks that order
        // varies from run to run; the final profiles may not.
        assertThat(FinalProfiles.withoutVersion(twice.finalProfiles()))
                .isEqualTo(FinalProfiles.withoutVersion(once.finalProfiles()));
    }

    @Test
    void badLinesAreRejectedWithFileLineAndReasonAndTheRunGoesOn() throws Exception {
        List<String> lines = new ArrayList<>(TestEvents.random(new Random(5), 20, 5));
        lines.add(3, "{not json");
        lines.add(7, "");
        lines.add(9, "{\"eventId\":\"x\",\"timestamp\":1,\"type\":\"t\",\"identities\":[]}");
        lines.add(
                12,
                "{\"eventId\":\"y\",\"timestamp\":1,\"type\":\"t\","
                        + "\"identities\":[{\"namespace\":\"twitter\",\"id\":\"a\"}]}");
        Run run = run(write("mixed.jsonl", lines));

        assertThat(run.rejected).hasSize(3);
        Map<Long, String> reasons = new TreeMap<>();
        for (RejectedEvent r : run.rejected) {
            assertThat(r.getOrigin().getFile()).isEqualTo("mixed.jsonl");
            reasons.put(r.getOrigin().getLine(), r.getReason());
        }
        assertThat(reasons).containsOnlyKeys(4L, 10L, 13L);
        assertThat(reasons.get(4L)).startsWith("not valid JSON");
        assertThat(reasons.get(10L)).contains("at least one identity");
        assertThat(reasons.get(13L)).contains("unknown namespace 'twitter'");
        assertThat(run.updates).isNotEmpty();
    }

    private Run run(Path file) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(new Configuration()));
        env.setParallelism(2);
        Run run = new Run();
        ConcurrentLinkedQueue<ProfileOutput> outputs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<RejectedEvent> rejected = new ConcurrentLinkedQueue<>();
        BoundedProfileRun.run(
                env,
                file,
                ProfileJobSettings.defaults(),
                SegmentCatalog.empty(),
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                outputs::add,
                rejected::add);
        run.outputs.addAll(outputs);
        run.updates.addAll(FinalProfiles.updates(outputs));
        run.rejected.addAll(rejected);
        return run;
    }

    private Path write(String name, List<String> lines) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static final class Run {
        final List<ProfileOutput> outputs = new ArrayList<>();
        final List<ProfileUpdate> updates = new ArrayList<>();
        final List<RejectedEvent> rejected = new ArrayList<>();

        Map<String, ProfileUpdate> finalProfiles() {
            return FinalProfiles.live(outputs);
        }
    }
}
