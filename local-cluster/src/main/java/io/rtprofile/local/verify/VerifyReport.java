package io.rtprofile.local.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code rtprofile verify} found: the counts of the fault suite's table (records in, updates
 * out, rejected, lost, duplicated) and every failed check with its first examples.
 *
 * <p>Lost counts update versions missing inside a profile's life plus bad records without a
 * rejection; duplicated counts updates whose version repeats plus extra rejections of one record.
 */
public final class VerifyReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VersionSequenceCheck versions;
    private final RejectionCheck rejections;
    private final SnapshotComparison snapshot;

    /**
     * @param snapshot null when no expected snapshot was given
     */
    public VerifyReport(
            VersionSequenceCheck versions, RejectionCheck rejections, SnapshotComparison snapshot) {
        this.versions = versions;
        this.rejections = rejections;
        this.snapshot = snapshot;
    }

    public long recordsIn() {
        return rejections.recordsIn();
    }

    public long updatesOut() {
        return versions.updates();
    }

    public long rejected() {
        return rejections.rejections();
    }

    public long lost() {
        return versions.lost().count() + rejections.missing().count();
    }

    public long duplicated() {
        return versions.duplicated().count() + rejections.duplicated().count();
    }

    public VersionSequenceCheck versions() {
        return versions;
    }

    public RejectionCheck rejections() {
        return rejections;
    }

    /** Null when no expected snapshot was given. */
    public SnapshotComparison snapshot() {
        return snapshot;
    }

    /** Every failed check by name, in the order of the report; empty when all hold. */
    public Map<String, Findings> failures() {
        Map<String, Findings> all = new LinkedHashMap<>();
        all.put("lost updates (version gaps)", versions.lost());
        all.put("duplicated updates (version repeats)", versions.duplicated());
        all.put("tombstones without a live profile", versions.orphanTombstones());
        all.put("updates under another profile's key", versions.misplaced());
        all.put("undecodable updates", versions.undecodable());
        all.put("bad records not rejected", rejections.missing());
        all.put("bad records rejected more than once", rejections.duplicated());
        all.put("rejections of valid events", rejections.unexpected());
        all.put("bad record count", rejections.badCount());
        if (snapshot != null) {
            all.put("profiles missing (in the expected snapshot only)", snapshot.missing());
            all.put("profiles extra (not in the expected snapshot)", snapshot.extra());
            all.put("profiles different from the expected snapshot", snapshot.different());
            all.put("identities leading two profiles", snapshot.ambiguous());
        }
        all.values().removeIf(f -> f.count() == 0);
        return all;
    }

    public boolean passed() {
        return failures().isEmpty();
    }

    /** The human summary: a table of counts, then each failed check with examples. */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("records in", recordsIn(), "events topic, read_committed"));
        rows.add(row("bad records", rejections.badRecords(), "not valid events, by the parser"));
        rows.add(row("updates out", updatesOut(), "profile updates"));
        rows.add(row("tombstones", versions.tombstones(), "merged or erased profiles"));
        rows.add(row("rejected", rejected(), "records on the rejected topic"));
        if (rejections.withoutOrigin() > 0) {
            rows.add(
                    row(
                            "  without offset",
                            rejections.withoutOrigin(),
                            "valid events refused later (suppressed identity)"));
        }
        rows.add(row("lost", lost(), "version gaps + bad records not rejected"));
        rows.add(row("duplicated", duplicated(), "version repeats + repeated rejections"));
        rows.add(row("live profiles", versions.liveProfiles().size(), "at the end"));
        if (snapshot != null) {
            rows.add(
                    row(
                            "matching expected",
                            snapshot.matched(),
                            "of " + snapshot.expectedProfiles() + " in the snapshot"));
            rows.add(
                    row(
                            "ids differing",
                            snapshot.idsDiffering(),
                            "same profile, another surviving id (not a failure)"));
            rows.add(
                    row(
                            "versions differing",
                            snapshot.versionsDiffering(),
                            "same profile, another count of updates (not a failure)"));
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            out.append(String.format("%-18s %12s  %s%n", r[0], r[1], r[2]));
        }
        Map<String, Findings> failures = failures();
        if (failures.isEmpty()) {
            out.append("OK: every check holds\n");
        } else {
            out.append("FAILED:\n");
            failures.forEach(
                    (check, findings) -> {
                        out.append("  ").append(check).append(": ").append(findings.count());
                        out.append('\n');
                        findings.examples().forEach(e -> out.append("    ").append(e).append('\n'));
                    });
        }
        return out.toString();
    }

    private static String[] row(String name, long count, String note) {
        return new String[] {name, Long.toString(count), note};
    }

    /** The same as one JSON object, for scripts. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("passed", passed());
        root.put("recordsIn", recordsIn());
        root.put("badRecords", rejections.badRecords());
        root.put("updatesOut", updatesOut());
        root.put("tombstones", versions.tombstones());
        root.put("rejected", rejected());
        root.put("rejectedOutsideInput", rejections.outsideInput());
        root.put("rejectedWithoutOrigin", rejections.withoutOrigin());
        root.put("lost", lost());
        root.put("duplicated", duplicated());
        root.put("liveProfiles", versions.liveProfiles().size());
        if (snapshot != null) {
            ObjectNode s = root.putObject("snapshot");
            s.put("expected", snapshot.expectedProfiles());
            s.put("actual", snapshot.actualProfiles());
            s.put("matched", snapshot.matched());
            s.put("missing", snapshot.missing().count());
            s.put("extra", snapshot.extra().count());
            s.put("different", snapshot.different().count());
            s.put("idsDiffering", snapshot.idsDiffering());
            s.put("versionsDiffering", snapshot.versionsDiffering());
        }
        ArrayNode failures = root.putArray("failures");
        failures()
                .forEach(
                        (check, findings) -> {
                            ObjectNode f = failures.addObject();
                            f.put("check", check);
                            f.put("count", findings.count());
                            ArrayNode examples = f.putArray("examples");
                            findings.examples().forEach(examples::add);
                        });
        return root.toString();
    }
}
