package io.rtprofile.local.verify;

import io.rtprofile.schema.ProfileUpdate;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks the {@code version} sequence of every profile on {@code profile-updates} (contract section
 * 4: 1, 2, 3, ... with no gap and no repeat), reading records in partition order, which is the
 * order the job wrote each key in (a key lives on one partition).
 *
 * <p>A tombstone ends a life of its key: the profile was merged into another or erased. The job
 * derives a new profile's id from the identity that founded it (docs/profiles.md), so the same id
 * comes back when that identity founds a profile again (after an erasure's suppression expired, or
 * once it left a profile); that new life counts from 1 again.
 *
 * <ul>
 *   <li>a version above the next expected one is a <b>loss</b>: the versions skipped are counted as
 *       lost updates;
 *   <li>a version at or below the last one of the life is a <b>duplicate</b>: an update delivered
 *       twice (or out of order, which Kafka's per-partition order rules out for the job's writes);
 *   <li>a tombstone for a key without a live profile is an <b>orphan tombstone</b>: a tombstone
 *       delivered twice, or the updates of a whole life lost;
 *   <li>an update whose {@code profileId} is not its record key is <b>misplaced</b>: compaction
 *       would then keep the wrong profile.
 * </ul>
 *
 * <p>It also keeps the profiles that exist at the end: each key's last update unless a tombstone
 * followed it.
 */
public final class VersionSequenceCheck {
    private final Map<String, Long> lastVersionOfLiveKey = new HashMap<>();
    private final Map<String, ProfileUpdate> live = new HashMap<>();
    private final Findings lost = new Findings();
    private final Findings duplicated = new Findings();
    private final Findings orphanTombstones = new Findings();
    private final Findings misplaced = new Findings();
    private final Findings undecodable = new Findings();
    private long updates;
    private long tombstones;

    /**
     * One record of {@code profile-updates}, in partition order.
     *
     * @param key the record key, the profile id
     * @param update the decoded value, or null for a tombstone
     * @param where partition and offset, for the findings
     */
    public void accept(String key, ProfileUpdate update, String where) {
        if (update == null) {
            tombstones++;
            if (lastVersionOfLiveKey.remove(key) == null) {
                orphanTombstones.add(key + ": tombstone without a live profile at " + where);
            }
            live.remove(key);
            return;
        }
        updates++;
        if (!key.equals(update.getProfileId())) {
            misplaced.add(
                    "update of " + update.getProfileId() + " under key " + key + " at " + where);
        }
        long version = update.getVersion();
        Long last = lastVersionOfLiveKey.get(key);
        long expected = last == null ? 1 : last + 1;
        if (version > expected) {
            lost.add(
                    version - expected,
                    key
                            + ": version "
                            + version
                            + " follows "
                            + (last == null ? "no update of this life" : "version " + last)
                            + " at "
                            + where
                            + (version - expected == 1
                                    ? " (version " + expected + " missing)"
                                    : " (versions "
                                            + expected
                                            + ".."
                                            + (version - 1)
                                            + " missing)"));
        } else if (version < expected) {
            duplicated.add(
                    key + ": version " + version + " again after version " + last + " at " + where);
            // The live profile stays what the highest version said.
            return;
        }
        lastVersionOfLiveKey.put(key, version);
        live.put(key, update);
    }

    /** A value that is neither a tombstone nor a profile update this reader can decode. */
    public void undecodable(String key, String reason, String where) {
        undecodable.add(key + ": undecodable value at " + where + ": " + reason);
    }

    /** Updates read (not tombstones). */
    public long updates() {
        return updates;
    }

    public long tombstones() {
        return tombstones;
    }

    /** Versions missing inside a life. */
    public Findings lost() {
        return lost;
    }

    /** Updates whose version was not above the last of their life. */
    public Findings duplicated() {
        return duplicated;
    }

    public Findings orphanTombstones() {
        return orphanTombstones;
    }

    public Findings misplaced() {
        return misplaced;
    }

    public Findings undecodable() {
        return undecodable;
    }

    /** The profiles that exist at the end, by id: each one's last update. */
    public Map<String, ProfileUpdate> liveProfiles() {
        return Collections.unmodifiableMap(new TreeMap<>(live));
    }
}
