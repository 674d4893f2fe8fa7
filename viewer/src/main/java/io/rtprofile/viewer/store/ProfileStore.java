package io.rtprofile.viewer.store;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.json.ProfileUpdateJson;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The viewer's embedded store: the latest update of every profile in {@code profile-updates}, with
 * the indexes the viewer's questions need, in RocksDB.
 *
 * <p>One writer ({@link #apply}) and any number of readers. Every batch of records is applied in
 * one RocksDB write batch <em>together with the topic offsets after it</em>, so what the store
 * holds is always exactly the topic up to those offsets: after a crash or a restart the viewer
 * resumes from them, and nothing is counted twice or missed.
 *
 * <p>Column families:
 *
 * <ul>
 *   <li>{@code profiles}: profileId → the update (Avro single-object, so a later viewer decodes
 *       what an earlier one wrote);
 *   <li>{@code identities}: id, namespace, profileId → nothing. The profile id is part of the key
 *       because after a merge the survivor's update and the absorbed profile's tombstone come from
 *       different partitions in any order: each profile's entries come and go with it alone;
 *   <li>{@code values}: value, attribute, profileId → the value as shown (search any attribute by
 *       the beginning of its value); {@code attributes}: attribute, value, profileId → the same
 *       (search one attribute);
 *   <li>{@code members}: segmentId, profileId → since;
 *   <li>{@code changes}: profileId, version → what that update changed (the last {@link
 *       #CHANGES_KEPT});
 *   <li>{@code history}: segmentId, bucket start → population change and transitions in the bucket;
 *   <li>default: offsets, counters, segment totals and score histograms.
 * </ul>
 */
public final class ProfileStore implements AutoCloseable {
    /** Recent changes kept per profile. */
    public static final int CHANGES_KEPT = 20;

    static {
        RocksDB.loadLibrary();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> FAMILIES =
            List.of(
                    "profiles",
                    "identities",
                    "values",
                    "attributes",
                    "members",
                    "changes",
                    "history");

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle profiles;
    private final ColumnFamilyHandle identities;
    private final ColumnFamilyHandle values;
    private final ColumnFamilyHandle attributes;
    private final ColumnFamilyHandle members;
    private final ColumnFamilyHandle changes;
    private final ColumnFamilyHandle history;
    private final WriteOptions writeOptions = new WriteOptions();
    private final long bucketMillis;

    /** The counters as of the last applied batch; replaced whole, so readers never lock. */
    private volatile Counters counters;

    private ProfileStore(Path dir, long bucketMillis, long blockCacheBytes)
            throws RocksDBException {
        this.bucketMillis = bucketMillis;
        this.blockCache = new LRUCache(blockCacheBytes);
        this.familyOptions =
                new ColumnFamilyOptions()
                        .setTableFormatConfig(
                                new BlockBasedTableConfig()
                                        .setBlockCache(blockCache)
                                        .setFilterPolicy(new BloomFilter(10))
                                        .setBlockSize(16 * 1024));
        this.dbOptions =
                new DBOptions()
                        .setCreateIfMissing(true)
                        .setCreateMissingColumnFamilies(true)
                        .setMaxBackgroundJobs(2);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
        for (String family : FAMILIES) {
            descriptors.add(
                    new ColumnFamilyDescriptor(
                            family.getBytes(StandardCharsets.UTF_8), familyOptions));
        }
        this.handles = new ArrayList<>();
        this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        this.meta = handles.get(0);
        this.profiles = handles.get(1);
        this.identities = handles.get(2);
        this.values = handles.get(3);
        this.attributes = handles.get(4);
        this.members = handles.get(5);
        this.changes = handles.get(6);
        this.history = handles.get(7);
        this.counters = Counters.read(this);
    }

    /**
     * Opens (or creates) the store in {@code dir}. {@code bucketMillis} is the width of a segment's
     * history buckets; it is fixed for a store's life.
     */
    public static ProfileStore open(Path dir, long bucketMillis, long blockCacheBytes) {
        try {
            Files.createDirectories(dir);
            ProfileStore store = new ProfileStore(dir, bucketMillis, blockCacheBytes);
            store.checkBucketWidth();
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RocksDBException e) {
            throw new StoreException("cannot open the viewer store in " + dir + ": " + e, e);
        }
    }

    private void checkBucketWidth() throws RocksDBException {
        byte[] key = StoreKeys.key("meta", "bucket");
        byte[] stored = db.get(meta, key);
        if (stored == null) {
            db.put(meta, key, StoreKeys.longBytes(bucketMillis));
        } else if (StoreKeys.longAt(stored, 0) != bucketMillis) {
            long was = StoreKeys.longAt(stored, 0);
            close();
            throw new StoreException(
                    "the store was built with history buckets of "
                            + was
                            + " ms, not "
                            + bucketMillis
                            + " ms: use the same width, or a new store directory");
        }
    }

    public long bucketMillis() {
        return bucketMillis;
    }

    // ---------------------------------------------------------------- writing

    /** One record of the topic: an update, or a tombstone ({@code update} null). */
    public record Incoming(String profileId, ProfileUpdate update) {}

    /**
     * Applies records of {@code topic} in their order, and records {@code nextOffsets} (partition →
     * the offset to read next) in the same atomic write.
     */
    public synchronized void apply(
            String topic, List<Incoming> records, Map<Integer, Long> nextOffsets) {
        Counters next = counters.copy();
        Map<String, Optional<ProfileUpdate>> written = new HashMap<>();
        Map<HistoryKey, long[]> buckets = new HashMap<>();
        try (WriteBatch batch = new WriteBatch()) {
            for (Incoming record : records) {
                Optional<ProfileUpdate> before = written.get(record.profileId());
                ProfileUpdate previous =
                        before != null
                                ? before.orElse(null)
                                : profile(record.profileId()).orElse(null);
                ProfileUpdate update = record.update();
                if (update == null && previous == null) {
                    continue; // the tombstone of a profile this store never saw
                }
                if (update != null
                        && previous != null
                        && update.getVersion() <= previous.getVersion()) {
                    next.stale++;
                    continue;
                }
                if (update != null) {
                    next.watermark = Math.max(next.watermark, update.getUpdatedAt());
                }
                new Application(batch, next, buckets, record.profileId(), previous, update).run();
                written.put(record.profileId(), Optional.ofNullable(update));
                next.updates++;
            }
            for (Map.Entry<Integer, Long> offset : nextOffsets.entrySet()) {
                batch.put(
                        meta,
                        StoreKeys.key("offset", topic, (long) offset.getKey()),
                        StoreKeys.longBytes(offset.getValue()));
            }
            for (Map.Entry<HistoryKey, long[]> bucket : buckets.entrySet()) {
                byte[] key = StoreKeys.key(bucket.getKey().segmentId(), bucket.getKey().start());
                long[] sum = longs(db.get(history, key), 3);
                for (int i = 0; i < 3; i++) {
                    sum[i] += bucket.getValue()[i];
                }
                batch.put(history, key, bytes(sum));
            }
            next.write(this, batch);
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new StoreException("cannot write to the viewer store: " + e, e);
        }
        counters = next;
    }

    /** One record's effect on the indexes and counters. */
    private final class Application {
        private final WriteBatch batch;
        private final Counters counters;
        private final Map<HistoryKey, long[]> buckets;
        private final String profileId;
        private final ProfileUpdate before;
        private final ProfileUpdate after;

        Application(
                WriteBatch batch,
                Counters counters,
                Map<HistoryKey, long[]> buckets,
                String profileId,
                ProfileUpdate before,
                ProfileUpdate after) {
            this.batch = batch;
            this.counters = counters;
            this.buckets = buckets;
            this.profileId = profileId;
            this.before = before;
            this.after = after;
        }

        void run() throws RocksDBException {
            if (after == null) {
                batch.delete(profiles, StoreKeys.key(profileId));
                batch.deleteRange(
                        changes, StoreKeys.prefix(profileId), StoreKeys.key(profileId + "\u0001"));
                counters.profiles--;
            } else {
                batch.put(profiles, StoreKeys.key(profileId), encode(after));
                if (before == null) {
                    counters.profiles++;
                }
            }
            identities();
            attributes();
            memberships();
            scores();
            if (after != null) {
                change();
            }
        }

        private void identities() throws RocksDBException {
            Set<List<String>> old = identityKeys(before);
            Set<List<String>> now = identityKeys(after);
            for (List<String> identity : old) {
                if (!now.contains(identity)) {
                    batch.delete(
                            identities, StoreKeys.key(identity.get(1), identity.get(0), profileId));
                }
            }
            for (List<String> identity : now) {
                if (!old.contains(identity)) {
                    batch.put(
                            identities,
                            StoreKeys.key(identity.get(1), identity.get(0), profileId),
                            new byte[0]);
                }
            }
        }

        private void attributes() throws RocksDBException {
            Map<List<String>, String> old = indexedValues(before);
            Map<List<String>, String> now = indexedValues(after);
            for (List<String> entry : old.keySet()) {
                if (!now.containsKey(entry)) {
                    batch.delete(values, StoreKeys.key(entry.get(1), entry.get(0), profileId));
                    batch.delete(attributes, StoreKeys.key(entry.get(0), entry.get(1), profileId));
                }
            }
            for (Map.Entry<List<String>, String> entry : now.entrySet()) {
                if (!Objects.equals(old.get(entry.getKey()), entry.getValue())) {
                    byte[] shown = entry.getValue().getBytes(StandardCharsets.UTF_8);
                    List<String> k = entry.getKey();
                    batch.put(values, StoreKeys.key(k.get(1), k.get(0), profileId), shown);
                    batch.put(attributes, StoreKeys.key(k.get(0), k.get(1), profileId), shown);
                }
            }
        }

        private void memberships() throws RocksDBException {
            Map<String, Long> old = activeMemberships(before);
            Map<String, Long> now = activeMemberships(after);
            // Population changes count when they happened, as the transitions do: at the time of
            // the realized or exited change that reports them. Otherwise (a merge, an erasure,
            // a store that started mid-stream) at the update's time, or for a tombstone, which
            // has no time of its own, at the latest time seen.
            long at = after != null ? after.getUpdatedAt() : counters.watermark;
            Map<String, Long> reported = new HashMap<>();
            if (after != null) {
                for (SegmentChange change : after.getSegmentChanges()) {
                    reported.put(change.getSegmentId(), change.getAt());
                    int column = change.getStatus() == SegmentStatus.realized ? 1 : 2;
                    counters.segment(change.getSegmentId())[column]++;
                    bucket(change.getSegmentId(), change.getAt())[column]++;
                }
            }
            for (String segment : old.keySet()) {
                if (!now.containsKey(segment)) {
                    batch.delete(members, StoreKeys.key(segment, profileId));
                    counters.segment(segment)[0]--;
                    bucket(segment, reported.getOrDefault(segment, at))[0]--;
                }
            }
            for (Map.Entry<String, Long> membership : now.entrySet()) {
                String segment = membership.getKey();
                if (!Objects.equals(old.get(segment), membership.getValue())) {
                    batch.put(
                            members,
                            StoreKeys.key(segment, profileId),
                            StoreKeys.longBytes(membership.getValue()));
                }
                if (!old.containsKey(segment)) {
                    counters.segment(segment)[0]++;
                    bucket(segment, reported.getOrDefault(segment, at))[0]++;
                }
            }
        }

        private long[] bucket(String segmentId, long at) {
            long start = Math.floorDiv(at, bucketMillis) * bucketMillis;
            return buckets.computeIfAbsent(new HistoryKey(segmentId, start), k -> new long[3]);
        }

        private void scores() {
            Map<String, Score> old = before == null ? Map.of() : before.getScores();
            Map<String, Score> now = after == null ? Map.of() : after.getScores();
            // Only scores that moved: most updates leave them be, and removing and adding the
            // same value again would let the running sum drift.
            for (Map.Entry<String, Score> score : old.entrySet()) {
                Score next = now.get(score.getKey());
                if (next == null || next.getScore() != score.getValue().getScore()) {
                    counters.model(score.getKey()).remove(score.getValue().getScore());
                }
            }
            for (Map.Entry<String, Score> score : now.entrySet()) {
                Score previous = old.get(score.getKey());
                if (previous == null || previous.getScore() != score.getValue().getScore()) {
                    counters.model(score.getKey()).add(score.getValue().getScore());
                }
            }
        }

        private void change() throws RocksDBException {
            ProfileChange change = ProfileDiff.between(before, after);
            if (!change.isEmpty()) {
                try {
                    batch.put(
                            changes,
                            StoreKeys.key(profileId, after.getVersion()),
                            JSON.writeValueAsBytes(change));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            // Versions have no gaps, so deleting the one CHANGES_KEPT back keeps the rest bounded.
            batch.delete(changes, StoreKeys.key(profileId, after.getVersion() - CHANGES_KEPT));
        }
    }

    private record HistoryKey(String segmentId, long start) {}

    private static Set<List<String>> identityKeys(ProfileUpdate update) {
        if (update == null) {
            return Set.of();
        }
        Set<List<String>> keys = new HashSet<>();
        for (Identity identity : update.getIdentities()) {
            keys.add(List.of(identity.getNamespace(), identity.getId()));
        }
        return keys;
    }

    /** (attribute, searchable value) → the value as shown; a list's elements one by one. */
    private static Map<List<String>, String> indexedValues(ProfileUpdate update) {
        if (update == null) {
            return Map.of();
        }
        Map<List<String>, String> indexed = new HashMap<>();
        for (Map.Entry<String, Object> attribute : update.getAttributes().entrySet()) {
            Object value = attribute.getValue();
            List<?> scalars =
                    value instanceof List<?> list ? list : Collections.singletonList(value);
            for (Object scalar : scalars) {
                if (scalar != null) {
                    String shown = scalar.toString();
                    indexed.put(List.of(attribute.getKey(), StoreKeys.searchable(shown)), shown);
                }
            }
        }
        return indexed;
    }

    /** Segments the profile is in (an {@code exited} entry is the report of leaving). */
    private static Map<String, Long> activeMemberships(ProfileUpdate update) {
        if (update == null) {
            return Map.of();
        }
        Map<String, Long> active = new HashMap<>();
        for (Map.Entry<String, SegmentMembership> m : update.getSegments().entrySet()) {
            if (m.getValue().getStatus() != SegmentStatus.exited) {
                active.put(m.getKey(), m.getValue().getSince());
            }
        }
        return active;
    }

    // ---------------------------------------------------------------- reading

    /** The offset to read next per partition of {@code topic}; empty for a new store. */
    public Map<Integer, Long> offsets(String topic) {
        Map<Integer, Long> offsets = new TreeMap<>();
        byte[] prefix = StoreKeys.prefix("offset", topic);
        scan(
                meta,
                prefix,
                (key, value) -> {
                    offsets.put(
                            (int) StoreKeys.longAt(key, prefix.length), StoreKeys.longAt(value, 0));
                    return true;
                });
        return offsets;
    }

    public Optional<ProfileUpdate> profile(String profileId) {
        try {
            byte[] value = db.get(profiles, StoreKeys.key(profileId));
            return value == null ? Optional.empty() : Optional.of(ProfileUpdateJson.decode(value));
        } catch (RocksDBException e) {
            throw new StoreException("cannot read profile " + profileId + ": " + e, e);
        }
    }

    /**
     * The profile an identity belongs to. Right after a merge, until the absorbed profile's
     * tombstone arrives, two may claim it: the one updated last is the survivor.
     */
    public Optional<ProfileUpdate> profileByIdentity(String namespace, String id) {
        List<String> ids = new ArrayList<>(2);
        byte[] prefix = StoreKeys.prefix(id, namespace);
        scan(
                identities,
                prefix,
                (key, value) -> {
                    ids.add(StoreKeys.textParts(key, prefix.length).get(0));
                    return true;
                });
        return ids.stream()
                .map(this::profile)
                .flatMap(Optional::stream)
                .max(
                        (a, b) ->
                                a.getUpdatedAt() != b.getUpdatedAt()
                                        ? Long.compare(a.getUpdatedAt(), b.getUpdatedAt())
                                        : Long.compare(a.getVersion(), b.getVersion()));
    }

    /** The profile's recent changes, newest first. */
    public List<ProfileChange> changes(String profileId) {
        List<ProfileChange> found = new ArrayList<>();
        scan(
                changes,
                StoreKeys.prefix(profileId),
                (key, value) -> {
                    try {
                        found.add(JSON.readValue(value, ProfileChange.class));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return true;
                });
        Collections.reverse(found);
        return found;
    }

    /**
     * Identities whose id starts with {@code idPrefix}, in any namespace or in {@code namespace}.
     */
    public List<SearchHit> searchIdentities(String idPrefix, String namespace, int limit) {
        List<SearchHit> hits = new ArrayList<>();
        scan(
                identities,
                StoreKeys.openPrefix(idPrefix),
                (key, value) -> {
                    List<String> parts = StoreKeys.textParts(key, 0);
                    if (namespace == null || namespace.equals(parts.get(1))) {
                        hits.add(
                                new SearchHit(
                                        parts.get(2),
                                        SearchHit.Kind.identity,
                                        parts.get(1),
                                        parts.get(0)));
                    }
                    return hits.size() < limit;
                });
        return hits;
    }

    /** Attribute values (any attribute) that start with {@code valuePrefix}, ignoring case. */
    public List<SearchHit> searchValues(String valuePrefix, int limit) {
        List<SearchHit> hits = new ArrayList<>();
        scan(
                values,
                StoreKeys.openPrefix(StoreKeys.searchable(valuePrefix)),
                (key, value) -> {
                    List<String> parts = StoreKeys.textParts(key, 0);
                    hits.add(
                            new SearchHit(
                                    parts.get(2),
                                    SearchHit.Kind.attribute,
                                    parts.get(1),
                                    new String(value, StandardCharsets.UTF_8)));
                    return hits.size() < limit;
                });
        return hits;
    }

    /** Profiles whose {@code attribute} equals (or starts with) {@code value}, ignoring case. */
    public List<SearchHit> searchAttribute(
            String attribute, String value, boolean prefix, int limit) {
        List<SearchHit> hits = new ArrayList<>();
        byte[] start =
                prefix
                        ? StoreKeys.openPrefix(attribute, StoreKeys.searchable(value))
                        : StoreKeys.prefix(attribute, StoreKeys.searchable(value));
        scan(
                attributes,
                start,
                (key, shown) -> {
                    List<String> parts = StoreKeys.textParts(key, 0);
                    hits.add(
                            new SearchHit(
                                    parts.get(2),
                                    SearchHit.Kind.attribute,
                                    attribute,
                                    new String(shown, StandardCharsets.UTF_8)));
                    return hits.size() < limit;
                });
        return hits;
    }

    public List<SegmentCounts> segments() {
        List<SegmentCounts> all = new ArrayList<>();
        counters.segments.forEach((id, c) -> all.add(new SegmentCounts(id, c[0], c[1], c[2])));
        return all;
    }

    public Optional<SegmentCounts> segment(String segmentId) {
        long[] c = counters.segments.get(segmentId);
        return c == null
                ? Optional.empty()
                : Optional.of(new SegmentCounts(segmentId, c[0], c[1], c[2]));
    }

    /** The segment's history buckets, oldest first. */
    public List<HistoryBucket> history(String segmentId) {
        List<HistoryBucket> buckets = new ArrayList<>();
        byte[] prefix = StoreKeys.prefix(segmentId);
        scan(
                history,
                prefix,
                (key, value) -> {
                    long[] v = longs(value, 3);
                    buckets.add(
                            new HistoryBucket(
                                    StoreKeys.longAt(key, prefix.length), v[0], v[1], v[2]));
                    return true;
                });
        return buckets;
    }

    /** Up to {@code limit} members of a segment after {@code afterProfileId} (null: the first). */
    public List<SegmentMember> members(String segmentId, String afterProfileId, int limit) {
        List<SegmentMember> page = new ArrayList<>();
        byte[] prefix = StoreKeys.prefix(segmentId);
        byte[] from = afterProfileId == null ? prefix : StoreKeys.key(segmentId, afterProfileId);
        scanFrom(
                members,
                prefix,
                from,
                (key, value) -> {
                    String profileId = StoreKeys.textParts(key, prefix.length).get(0);
                    if (!profileId.equals(afterProfileId)) {
                        page.add(new SegmentMember(profileId, StoreKeys.longAt(value, 0)));
                    }
                    return page.size() < limit;
                });
        return page;
    }

    public List<ScoreDistribution> models() {
        List<ScoreDistribution> all = new ArrayList<>();
        counters.models.forEach((id, h) -> all.add(h.distribution(id)));
        return all;
    }

    public Optional<ScoreDistribution> model(String modelId) {
        Histogram h = counters.models.get(modelId);
        return h == null ? Optional.empty() : Optional.of(h.distribution(modelId));
    }

    public StoreStatus status() {
        Counters c = counters;
        return new StoreStatus(
                c.profiles, c.updates, c.stale, c.watermark == Long.MIN_VALUE ? null : c.watermark);
    }

    /** Bytes of the store's files on disk (SST and WAL), as RocksDB estimates them. */
    public long diskBytes() {
        try {
            long total = 0;
            for (ColumnFamilyHandle handle : handles) {
                total += db.getLongProperty(handle, "rocksdb.total-sst-files-size");
            }
            return total;
        } catch (RocksDBException e) {
            throw new StoreException("cannot read the store's size: " + e, e);
        }
    }

    /** Flushes memtables to disk (the benchmark measures lookups from files, not memory). */
    public void flush() {
        try (org.rocksdb.FlushOptions options =
                new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(options, handles);
        } catch (RocksDBException e) {
            throw new StoreException("cannot flush the store: " + e, e);
        }
    }

    private interface Visitor {
        /** Returns whether to go on. */
        boolean visit(byte[] key, byte[] value);
    }

    private void scan(ColumnFamilyHandle family, byte[] prefix, Visitor visitor) {
        scanFrom(family, prefix, prefix, visitor);
    }

    private void scanFrom(ColumnFamilyHandle family, byte[] prefix, byte[] from, Visitor visitor) {
        try (RocksIterator it = db.newIterator(family)) {
            for (it.seek(from); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!StoreKeys.startsWith(key, prefix) || !visitor.visit(key, it.value())) {
                    return;
                }
            }
        }
    }

    private static byte[] encode(ProfileUpdate update) {
        try {
            ByteBuffer buffer = update.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long[] longs(byte[] bytes, int n) {
        long[] result = new long[n];
        if (bytes != null) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            for (int i = 0; i < n; i++) {
                result[i] = buffer.getLong();
            }
        }
        return result;
    }

    private static byte[] bytes(long[] longs) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * longs.length);
        for (long l : longs) {
            buffer.putLong(l);
        }
        return buffer.array();
    }

    @Override
    public void close() {
        writeOptions.close();
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        dbOptions.close();
        familyOptions.close();
        blockCache.close();
    }

    // ---------------------------------------------------------------- counters

    /** A model's score histogram, count and sum; {@link #remove} undoes an {@link #add}. */
    private static final class Histogram {
        final long[] buckets = new long[ScoreDistribution.BUCKETS];
        long count;
        double sum;

        void add(double score) {
            buckets[ScoreDistribution.bucketOf(score)]++;
            count++;
            sum += score;
        }

        void remove(double score) {
            buckets[ScoreDistribution.bucketOf(score)]--;
            count--;
            sum -= score;
        }

        Histogram copy() {
            Histogram copy = new Histogram();
            System.arraycopy(buckets, 0, copy.buckets, 0, buckets.length);
            copy.count = count;
            copy.sum = sum;
            return copy;
        }

        ScoreDistribution distribution(String modelId) {
            return new ScoreDistribution(
                    modelId, count, count == 0 ? 0 : sum / count, buckets.clone());
        }

        byte[] toBytes() {
            ByteBuffer buffer = ByteBuffer.allocate(16 + 8 * buckets.length);
            buffer.putLong(count).putDouble(sum);
            for (long b : buckets) {
                buffer.putLong(b);
            }
            return buffer.array();
        }

        static Histogram fromBytes(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            Histogram h = new Histogram();
            h.count = buffer.getLong();
            h.sum = buffer.getDouble();
            for (int i = 0; i < h.buckets.length; i++) {
                h.buckets[i] = buffer.getLong();
            }
            return h;
        }
    }

    /**
     * Everything the store counts: small (segments and models number in the tens), kept in memory
     * and written whole with each batch.
     */
    private static final class Counters {
        long profiles;
        long updates;
        long stale;
        long watermark = Long.MIN_VALUE;

        /** population, realized, exited. */
        final Map<String, long[]> segments = new LinkedHashMap<>();

        final Map<String, Histogram> models = new LinkedHashMap<>();

        long[] segment(String id) {
            return segments.computeIfAbsent(id, k -> new long[3]);
        }

        Histogram model(String id) {
            return models.computeIfAbsent(id, k -> new Histogram());
        }

        Counters copy() {
            Counters copy = new Counters();
            copy.profiles = profiles;
            copy.updates = updates;
            copy.stale = stale;
            copy.watermark = watermark;
            segments.forEach((k, v) -> copy.segments.put(k, v.clone()));
            models.forEach((k, v) -> copy.models.put(k, v.copy()));
            return copy;
        }

        void write(ProfileStore store, WriteBatch batch) throws RocksDBException {
            batch.put(
                    store.meta,
                    StoreKeys.key("meta", "counters"),
                    bytes(new long[] {profiles, updates, stale, watermark}));
            for (Map.Entry<String, long[]> s : segments.entrySet()) {
                batch.put(store.meta, StoreKeys.key("segment", s.getKey()), bytes(s.getValue()));
            }
            for (Map.Entry<String, Histogram> m : models.entrySet()) {
                batch.put(store.meta, StoreKeys.key("model", m.getKey()), m.getValue().toBytes());
            }
        }

        static Counters read(ProfileStore store) throws RocksDBException {
            Counters c = new Counters();
            byte[] stored = store.db.get(store.meta, StoreKeys.key("meta", "counters"));
            if (stored != null) {
                long[] v = longs(stored, 4);
                c.profiles = v[0];
                c.updates = v[1];
                c.stale = v[2];
                c.watermark = v[3];
            }
            readAll(store, "segment", (id, bytes) -> c.segments.put(id, longs(bytes, 3)));
            readAll(store, "model", (id, bytes) -> c.models.put(id, Histogram.fromBytes(bytes)));
            return c;
        }

        private static void readAll(
                ProfileStore store,
                String kind,
                java.util.function.BiConsumer<String, byte[]> into) {
            byte[] prefix = StoreKeys.prefix(kind);
            store.scan(
                    store.meta,
                    prefix,
                    (key, value) -> {
                        into.accept(StoreKeys.textParts(key, prefix.length).get(0), value);
                        return true;
                    });
        }
    }
}
