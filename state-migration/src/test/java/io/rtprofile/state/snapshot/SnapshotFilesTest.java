package io.rtprofile.state.snapshot;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileEngineState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SnapshotFiles}: both formats written, detected and read back; bad lines named. */
class SnapshotFilesTest {

    private static final long T0 = 1_795_000_000_000L;

    @TempDir Path dir;

    @Test
    void avroKeepsEveryKeyWithItsEngineState() throws Exception {
        List<ProfileSnapshot> written =
                List.of(withProfile("p-b"), pendingOnly("p-c"), withProfile("p-a"));
        Path avro = dir.resolve(SnapshotFiles.AVRO_FILE);

        SnapshotFiles.Counts counts = SnapshotFiles.write(written.iterator(), null, avro);

        assertThat(counts).isEqualTo(new SnapshotFiles.Counts(3, 2));
        assertThat(counts.pendingOnly()).isEqualTo(1);
        assertThat(SnapshotFiles.detect(avro)).isEqualTo(SnapshotFiles.Format.AVRO);
        assertThat(Files.readAllBytes(avro)).startsWith('O', 'b', 'j', 1);
        // Equal records: nothing under a key is lost, pending events keep their order.
        assertThat(SnapshotFiles.readAll(avro)).containsExactlyElementsOf(written);
    }

    @Test
    void jsonLinesHoldTheProfilesByProfileIdInTheContractShape() throws Exception {
        Path jsonl = dir.resolve(SnapshotFiles.JSON_LINES_FILE);

        SnapshotFiles.Counts counts =
                SnapshotFiles.write(
                        List.of(withProfile("p-b"), pendingOnly("p-c"), withProfile("p-a"))
                                .iterator(),
                        jsonl,
                        null);

        assertThat(counts.profiles()).isEqualTo(2);
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines)
                .containsExactly(
                        ProfileUpdateJson.toJson(profile("p-a")),
                        ProfileUpdateJson.toJson(profile("p-b")));
        assertThat(SnapshotFiles.detect(jsonl)).isEqualTo(SnapshotFiles.Format.JSON_LINES);
        List<ProfileSnapshot> read = SnapshotFiles.readAll(jsonl);
        assertThat(read).extracting(ProfileSnapshot::getProfileId).containsExactly("p-a", "p-b");
        assertThat(read).allSatisfy(s -> assertThat(s.getEngine()).isNull());
        assertThat(ProfileUpdateJson.toJson(read.get(1).getProfile()))
                .isEqualTo(ProfileUpdateJson.toJson(profile("p-b")));
    }

    @Test
    void bothFormatsFromOneStream() throws Exception {
        Path jsonl = dir.resolve(SnapshotFiles.JSON_LINES_FILE);
        Path avro = dir.resolve(SnapshotFiles.AVRO_FILE);

        SnapshotFiles.write(
                List.of(pendingOnly("p-1"), withProfile("p-2")).iterator(), jsonl, avro);

        assertThat(Files.readAllLines(jsonl)).hasSize(1);
        assertThat(SnapshotFiles.readAll(avro)).hasSize(2);
    }

    @Test
    void sortsBeyondMemoryThroughSpilledRuns() throws Exception {
        List<ProfileSnapshot> shuffled = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // 250 ids in a scrambled order; every third has no profile.
            int n = (i * 97) % 250;
            String id = "p-" + n;
            shuffled.add(n % 3 == 0 ? pendingOnly(id) : withProfile(id));
        }
        Path jsonl = dir.resolve(SnapshotFiles.JSON_LINES_FILE);

        SnapshotFiles.Counts counts = SnapshotFiles.write(shuffled.iterator(), jsonl, null, 7);

        List<String> ids = new ArrayList<>();
        for (ProfileSnapshot s : SnapshotFiles.readAll(jsonl)) {
            ids.add(s.getProfileId());
        }
        assertThat(counts.profiles()).isEqualTo(166);
        assertThat(ids).hasSize(166).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void skipsBlankLinesAndReadsAWarehouseShape() throws Exception {
        Path file = dir.resolve("warehouse.jsonl");
        Files.writeString(
                file,
                "\n{\"profileId\":\"p-9\",\"version\":3,\"updatedAt\":\"2026-11-01T10:00:00Z\","
                        + "\"identities\":[{\"namespace\":\"crm\",\"id\":\"C9\"}],"
                        + "\"attributes\":{\"country\":\"FR\"}}\n\n");

        List<ProfileSnapshot> read = SnapshotFiles.readAll(file);

        assertThat(read).hasSize(1);
        ProfileUpdate p = read.get(0).getProfile();
        assertThat(p.getVersion()).isEqualTo(3);
        assertThat(p.getAttributes()).containsEntry("country", "FR");
        assertThat(p.getSegments()).isEmpty();
    }

    @Test
    void namesTheFileAndLineOfABadLine() throws Exception {
        String good = ProfileUpdateJson.toJson(profile("p-1"));
        assertBad(good + "\n{not json\n", ":2: not JSON");
        assertBad(good + "\n\n[1,2]\n", ":3: not a JSON object");
        assertBad("{\"version\":1}\n", ":1: no profileId");
        assertBad(good.replace("\"version\":4", "\"version\":\"4\""), ":1: no version");
        assertBad(good.replace("\"version\":4", "\"version\":-1"), ":1: version -1 is negative");
        assertBad(
                good.replaceAll("\"identities\":\\[.*?\\]", "\"identities\":[]"),
                ":1: no identities");
        assertBad(good.replace("\"existing\"", "\"sometimes\""), ":1: ");
        assertBad(good.replace("\"updatedAt\":\"2026", "\"updatedAt\":\"yesterday-2026"), ":1: ");
        assertBad(good + " {}", ":1: not JSON");
    }

    @Test
    void refusesATruncatedAvroFile() throws Exception {
        Path avro = dir.resolve(SnapshotFiles.AVRO_FILE);
        SnapshotFiles.write(List.of(withProfile("p-1")).iterator(), null, avro);
        byte[] bytes = Files.readAllBytes(avro);
        Path cut = dir.resolve("cut.avro");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 30));

        assertThatThrownBy(() -> SnapshotFiles.readAll(cut))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageStartingWith(cut + ": ");
    }

    private void assertBad(String content, String reason) throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SnapshotFiles.readAll(file))
                .isInstanceOf(InvalidSnapshotException.class)
                .hasMessageStartingWith(file + reason);
    }

    static ProfileUpdate profile(String id) {
        return ProfileUpdate.newBuilder()
                .setProfileId(id)
                .setVersion(4)
                .setUpdatedAt(T0)
                .setIdentities(
                        List.of(new Identity("crm", "C-" + id), new Identity("email", id + "@x")))
                .setAttributes(Map.of("country", "FR", "birthYear", 1980L))
                .setSegments(Map.of("engaged", new SegmentMembership(SegmentStatus.existing, T0)))
                .setSegmentChanges(List.of())
                .setScores(Map.of("purchase-propensity", new Score(0.5, 60, 3L, List.of(), null)))
                .build();
    }

    static ProfileSnapshot withProfile(String id) {
        return ProfileSnapshot.newBuilder()
                .setProfileId(id)
                .setProfile(profile(id))
                .setEngine(
                        ProfileEngineState.newBuilder()
                                .setState(null)
                                .setPendingExamples(
                                        Map.of(
                                                "purchase-propensity",
                                                new PendingExample(
                                                        T0, T0 + 1000, 3L, Map.of("x", 1.0), null)))
                                .setAwaitedTransfers(List.of("p-absorbed"))
                                .setPendingEvents(List.of())
                                .setEventTimers(List.of(T0 + 1000))
                                .build())
                .build();
    }

    static ProfileSnapshot pendingOnly(String id) {
        return ProfileSnapshot.newBuilder()
                .setProfileId(id)
                .setProfile(null)
                .setEngine(
                        ProfileEngineState.newBuilder()
                                .setState(null)
                                .setPendingExamples(Map.of())
                                .setAwaitedTransfers(null)
                                .setPendingEvents(List.of(event("e-2", T0 + 5), event("e-1", T0)))
                                .setEventTimers(List.of(T0, T0 + 5))
                                .build())
                .build();
    }

    static ExperienceEvent event(String id, long time) {
        return new ExperienceEvent(
                id, time, "page.view", List.of(new Identity("ecid", "c0")), "web", Map.of(), null);
    }
}
