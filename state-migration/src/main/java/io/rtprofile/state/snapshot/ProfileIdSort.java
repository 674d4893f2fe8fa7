package io.rtprofile.state.snapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Sorts the JSON lines of a snapshot by profileId without holding them all: the reader produces
 * profiles in key-group order, and a daily snapshot may not fit in memory. Up to {@code runSize}
 * lines are sorted in memory; beyond that sorted runs go to temporary files and are merged.
 */
final class ProfileIdSort implements Closeable {

    /** Where the sorted lines go. */
    interface LineSink {
        void accept(String line) throws IOException;
    }

    private final int runSize;
    private final TreeMap<String, String> buffer = new TreeMap<>();
    private final List<Path> runs = new ArrayList<>();

    ProfileIdSort(int runSize) {
        this.runSize = runSize;
    }

    /** A profile's line; profileIds are unique (one key each). */
    void add(String profileId, String line) throws IOException {
        buffer.put(profileId, line);
        if (buffer.size() >= runSize) {
            spill();
        }
    }

    /** Every line, by profileId. */
    void drain(LineSink sink) throws IOException {
        if (runs.isEmpty()) {
            for (String line : buffer.values()) {
                sink.accept(line);
            }
            buffer.clear();
            return;
        }
        spill();
        List<Run> open = new ArrayList<>();
        try {
            PriorityQueue<Run> heads = new PriorityQueue<>(Comparator.comparing(Run::id));
            for (Path path : runs) {
                Run run = new Run(path);
                open.add(run);
                if (run.advance()) {
                    heads.add(run);
                }
            }
            while (!heads.isEmpty()) {
                Run run = heads.poll();
                sink.accept(run.line);
                if (run.advance()) {
                    heads.add(run);
                }
            }
        } finally {
            for (Run run : open) {
                run.in.close();
            }
        }
    }

    private void spill() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        Path run = Files.createTempFile("rtprofile-export-", ".run");
        runs.add(run);
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run)))) {
            for (Map.Entry<String, String> e : buffer.entrySet()) {
                writeText(out, e.getKey());
                writeText(out, e.getValue());
            }
        }
        buffer.clear();
    }

    // Length-prefixed: a line can be longer than writeUTF's 64 KB.
    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Override
    public void close() throws IOException {
        buffer.clear();
        for (Path run : runs) {
            Files.deleteIfExists(run);
        }
        runs.clear();
    }

    /** A sorted run being merged: its current (id, line). */
    private static final class Run {
        final DataInputStream in;
        String id;
        String line;

        Run(Path path) throws IOException {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)));
        }

        String id() {
            return id;
        }

        boolean advance() throws IOException {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException end) {
                return false;
            }
            id = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            line = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            return true;
        }
    }
}
