package io.rtprofile.local.bench;

import io.rtprofile.jobs.profile.ProfileKeys;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The identity benchmark's latency run, as the producer and a {@code read_committed} reader of the
 * profile updates see it: when each event was sent and when the first update showing it was read
 * (link events by {@code benchLink}, single-identity events by {@code benchSingle}); and what the
 * output says about every link's merge (its tombstone; the update in which the linked device first
 * joins the email's profile).
 */
final class LatencyLog {
    private static final byte OTHER = 0;
    private static final byte LINK = 1;
    private static final byte SINGLE = 2;

    private final AtomicLongArray sentAt;

    /** What a counted event is (sent after the warm-up, carrying its attribute), else OTHER. */
    private final byte[] counted;

    /** Read time minus send time of the first update showing event n, -1 until then. */
    private final long[] latency;

    /** The device of every link event, null for other events. */
    private final String[] linkDevice;

    private final Set<String> newDevices = new HashSet<>();
    private final int[] countedByKind = new int[3];
    private long linksSent;
    private int seenLinks;
    private volatile int seenCounted;
    private volatile long lastSeenMillis;

    // The reader's alone until it has ended.
    private long tombstones;
    private final Set<String> tombstoned = new HashSet<>();
    private final Set<String> updated = new HashSet<>();

    /** ecid -> the benchLink of the first update of an email's profile listing it (-1: none). */
    private final Map<String, Long> joined = new HashMap<>();

    LatencyLog(int capacity) {
        sentAt = new AtomicLongArray(capacity);
        counted = new byte[capacity];
        latency = new long[capacity];
        Arrays.fill(latency, -1);
        linkDevice = new String[capacity];
    }

    /** Producer thread, before the event is sent. */
    void sent(int n, IdentityBenchInput.Event event, long now, boolean measured) {
        boolean link = event.kind() == IdentityBenchInput.Kind.LINK;
        byte what = !event.marked() ? OTHER : link ? LINK : SINGLE;
        synchronized (this) {
            if (link) {
                linksSent++;
                linkDevice[n] = event.device();
            } else if (event.kind() == IdentityBenchInput.Kind.NEW_DEVICE) {
                newDevices.add(event.device());
            }
            counted[n] = measured ? what : OTHER;
            countedByKind[counted[n]]++;
        }
        sentAt.set(n, now);
    }

    synchronized int counted(boolean link) {
        return countedByKind[link ? LINK : SINGLE];
    }

    synchronized boolean allLinksSeen() {
        return seenLinks >= countedByKind[LINK];
    }

    int seenCounted() {
        return seenCounted;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Reads the updates until {@code running} turns false. */
    void read(EmbeddedKafka kafka, String topic, AtomicBoolean running) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                BenchSupport.readCommittedConsumer(kafka, "identity-reader-" + topic)) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    String key = new String(record.key(), StandardCharsets.UTF_8);
                    if (record.value() == null) {
                        tombstones++;
                        tombstoned.add(key);
                        continue;
                    }
                    updated.add(key);
                    ProfileUpdate update;
                    try {
                        update = ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(record.value()));
                    } catch (IOException e) {
                        throw new IllegalStateException("not a profile update", e);
                    }
                    Object link = update.getAttributes().get(IdentityBenchInput.LINK_ATTRIBUTE);
                    if (link instanceof Long n) {
                        see(n.intValue(), now);
                    }
                    Object single = update.getAttributes().get(IdentityBenchInput.SINGLE_ATTRIBUTE);
                    if (single instanceof Long n) {
                        see(n.intValue(), now);
                    }
                    noteDevicesJoined(update, link instanceof Long n ? n : -1L);
                }
            }
        }
    }

    private void noteDevicesJoined(ProfileUpdate update, long link) {
        boolean email = false;
        for (Identity identity : update.getIdentities()) {
            email |= IdentityBenchInput.EMAIL.equals(identity.getNamespace());
        }
        if (email) {
            for (Identity identity : update.getIdentities()) {
                if (IdentityBenchInput.ECID.equals(identity.getNamespace())) {
                    joined.putIfAbsent(identity.getId(), link);
                }
            }
        }
    }

    /** Reader thread: the first update showing event n. */
    private void see(int n, long now) {
        if (n < 0 || n >= latency.length || latency[n] >= 0) {
            return;
        }
        long sent = sentAt.get(n);
        if (sent == 0) {
            return;
        }
        latency[n] = now - sent;
        lastSeenMillis = now;
        synchronized (this) {
            if (counted[n] != OTHER) {
                seenCounted++;
            }
            if (counted[n] == LINK) {
                seenLinks++;
            }
        }
    }

    /** After the reader ended: the latencies of counted link (or single) events, sorted. */
    synchronized List<Long> latencies(boolean link) {
        byte what = link ? LINK : SINGLE;
        List<Long> values = new ArrayList<>();
        for (int n = 0; n < latency.length; n++) {
            if (counted[n] == what && latency[n] >= 0) {
                values.add(latency[n]);
            }
        }
        Collections.sort(values);
        return values;
    }

    /**
     * What the output says about the merges, after the reader ended.
     *
     * @param linksSent link events sent
     * @param tombstones tombstones read
     * @param missingTombstones links whose device's profile got no tombstone
     * @param linkedBeforeFirstSeen of those, a new device linked before its own first event was
     *     through (its profile never existed: nothing to merge, no tombstone due)
     * @param unseen counted link events whose {@code benchLink} no update showed
     * @param superseded of those, the device joined the email's profile in an update already
     *     showing a later link: a later link event of the customer was applied first and won by
     *     event time
     * @param neverJoined of those, the device never showed up on the email's profile: a merge that
     *     did not complete
     */
    record Merges(
            long linksSent,
            long tombstones,
            long missingTombstones,
            long linkedBeforeFirstSeen,
            long unseen,
            long superseded,
            long neverJoined) {
        /** Every missing tombstone and unseen link explained. */
        boolean explained() {
            return missingTombstones == linkedBeforeFirstSeen
                    && unseen == superseded
                    && neverJoined == 0;
        }
    }

    synchronized Merges merges() {
        long missing = 0;
        long beforeFirstSeen = 0;
        long unseen = 0;
        long superseded = 0;
        long neverJoined = 0;
        for (int n = 0; n < linkDevice.length; n++) {
            String device = linkDevice[n];
            if (device == null) {
                continue;
            }
            String profile =
                    ProfileKeys.profileIdFor(new Identity(IdentityBenchInput.ECID, device));
            if (!tombstoned.contains(profile)) {
                missing++;
                if (newDevices.contains(device) && !updated.contains(profile)) {
                    beforeFirstSeen++;
                }
            }
            if (counted[n] == LINK && latency[n] < 0) {
                unseen++;
                Long shown = joined.get(device);
                if (shown == null) {
                    neverJoined++;
                } else if (shown > n) {
                    superseded++;
                }
            }
        }
        return new Merges(
                linksSent, tombstones, missing, beforeFirstSeen, unseen, superseded, neverJoined);
    }
}
