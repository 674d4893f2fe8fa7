package io.rtprofile.jobs.profile;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Which profile an event belongs to. Until identity stitching (issue 4) routes events through an
 * identity graph, an event goes to the profile of its highest-priority identity, and the {@code
 * profileId} is derived from that identity. The profile operator is keyed by {@code profileId}, not
 * by identity, so the graph can later assign ids without changing the profile state's layout.
 */
public final class ProfileKeys {
    private ProfileKeys() {}

    /** The identity of highest namespace priority (list order); ties by smallest id. */
    public static Identity routingIdentity(ExperienceEvent event, List<String> namespacePriority) {
        Identity best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Identity identity : event.getIdentities()) {
            int rank = namespacePriority.indexOf(identity.getNamespace());
            if (rank < 0) {
                rank = namespacePriority.size();
            }
            if (best == null
                    || rank < bestRank
                    || (rank == bestRank && identity.getId().compareTo(best.getId()) < 0)) {
                best = identity;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("event " + event.getEventId() + " has no identity");
        }
        return best;
    }

    /**
     * An opaque, stable id for the profile founded by an identity: "p-" and 128 bits of SHA-256 of
     * namespace and id. Deterministic, so a replay of the same input yields the same ids.
     */
    public static String profileIdFor(Identity identity) {
        return profileIdFor(identity, 0);
    }

    /**
     * The id for the {@code attempt}-th profile founded by an identity: attempt 0 is {@link
     * #profileIdFor(Identity)}; later ones are taken when an identity founds a profile again while
     * its first one still exists (it left it by the identity limit).
     */
    public static String profileIdFor(Identity identity, int attempt) {
        MessageDigest sha = SHA_256.get();
        sha.update(identity.getNamespace().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(identity.getId().getBytes(StandardCharsets.UTF_8));
        if (attempt > 0) {
            sha.update((byte) 0);
            sha.update(Integer.toString(attempt).getBytes(StandardCharsets.UTF_8));
        }
        byte[] digest = sha.digest(); // digest() also resets it for the next call
        return "p-" + HexFormat.of().formatHex(digest, 0, 16);
    }

    /**
     * One digest per thread: this runs twice per event on the hot path (partitioning, then the
     * receiving operator's key), and looking a digest up through the security providers each time
     * was a visible share of the deduplicator's CPU profile.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 =
            ThreadLocal.withInitial(
                    () -> {
                        try {
                            return MessageDigest.getInstance("SHA-256");
                        } catch (NoSuchAlgorithmException e) {
                            throw new IllegalStateException("SHA-256 is part of every JRE", e);
                        }
                    });
}
