package io.rtprofile.local.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * N segment definitions a marketer could plausibly write over the generator's event types: counts
 * of a type within a window, sums and averages of purchase value, a few two-step sequences, and
 * {@code not}. Drawn from small vocabularies (types, windows, thresholds), so many segments share
 * predicates, as real catalogs do. One model renders both sides of the segment benchmark: the
 * definition language ({@link #definitionsJson}) and the Flink SQL / CEP baseline ({@link
 * SqlSegmentBaseline}).
 */
public final class SyntheticSegments {

    /** A windowed aggregate of the baseline: one SQL column. */
    public enum Kind {
        COUNT,
        SUM,
        AVG
    }

    /** Window lengths, as the definition language and as SQL intervals; 0 = lifetime. */
    public record Window(String text, String sqlInterval, long millis) {
        boolean lifetime() {
            return millis == 0;
        }
    }

    static final List<Window> WINDOWS =
            List.of(
                    new Window("1h", "INTERVAL '1' HOUR", 3_600_000L),
                    new Window("24h", "INTERVAL '24' HOUR", 86_400_000L),
                    new Window("7d", "INTERVAL '7' DAY", 7 * 86_400_000L),
                    new Window("30d", "INTERVAL '30' DAY", 30 * 86_400_000L),
                    new Window("90d", "INTERVAL '90' DAY", 90 * 86_400_000L),
                    new Window("lifetime", null, 0));

    /** Event types counted, weighted by how often a marketer would target them. */
    private static final String[] COUNTED_TYPES = {
        "web.pageView",
        "web.pageView",
        "web.productView",
        "web.productView",
        "web.search",
        "web.login",
        "commerce.addToCart",
        "commerce.addToCart",
        "commerce.checkout",
        "commerce.purchase",
        "commerce.purchase",
        "commerce.purchase",
        "app.open",
        "crm.record",
        "consent.update"
    };

    /** Two-step sequences: first type, second type, window. */
    static final List<Sequence> SEQUENCES =
            List.of(
                    new Sequence("commerce.addToCart", "commerce.checkout", WINDOWS.get(0)),
                    new Sequence("web.productView", "commerce.addToCart", WINDOWS.get(0)),
                    new Sequence("commerce.checkout", "commerce.purchase", WINDOWS.get(0)),
                    new Sequence("web.search", "web.productView", WINDOWS.get(1)));

    /** A sequence of two event types within a window. */
    public record Sequence(String first, String second, Window window) {}

    /** A windowed aggregate over events of one type ({@code commerce.purchase} for sum/avg). */
    public record Feature(Kind kind, String type, Window window) {
        String column() {
            return (kind.name() + "_" + type + "_" + window.text())
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]", "_");
        }
    }

    /** One condition of a segment: a comparison on a feature, or a sequence; maybe negated. */
    public record Atom(
            Feature feature, String op, double threshold, Sequence sequence, boolean not) {}

    /** A segment: all of its atoms. */
    public record Segment(String id, List<Atom> atoms) {}

    private final List<Segment> segments;

    private SyntheticSegments(List<Segment> segments) {
        this.segments = segments;
    }

    /** {@code n} segments, the same for the same {@code n} and seed. */
    public static SyntheticSegments generate(int n, long seed) {
        Random random = new Random(seed);
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int size = 1 + random.nextInt(3);
            List<Atom> atoms = new ArrayList<>();
            for (int a = 0; a < size; a++) {
                boolean not = size > 1 && a > 0 && random.nextDouble() < 0.25;
                atoms.add(atom(random, not));
            }
            segments.add(new Segment(String.format("seg-%04d", i), atoms));
        }
        return new SyntheticSegments(segments);
    }

    private static Atom atom(Random random, boolean not) {
        double kind = random.nextDouble();
        if (kind < 0.08) {
            return new Atom(null, null, 0, SEQUENCES.get(random.nextInt(SEQUENCES.size())), not);
        }
        Window window = WINDOWS.get(random.nextInt(WINDOWS.size()));
        if (kind < 0.20) {
            double[] amounts = {50, 100, 200, 500, 1000};
            return new Atom(
                    new Feature(Kind.SUM, "commerce.purchase", window),
                    ">",
                    amounts[random.nextInt(amounts.length)],
                    null,
                    not);
        } else if (kind < 0.28) {
            double[] amounts = {30, 50, 100, 150};
            return new Atom(
                    new Feature(Kind.AVG, "commerce.purchase", window),
                    ">=",
                    amounts[random.nextInt(amounts.length)],
                    null,
                    not);
        }
        int[] counts = {1, 1, 1, 2, 3, 5, 10};
        String type = COUNTED_TYPES[random.nextInt(COUNTED_TYPES.length)];
        return new Atom(
                new Feature(Kind.COUNT, type, window),
                ">=",
                counts[random.nextInt(counts.length)],
                null,
                not);
    }

    public List<Segment> segments() {
        return segments;
    }

    /** The distinct windowed aggregates (SQL columns) the segments use. */
    public Set<Feature> features() {
        return segments.stream()
                .flatMap(s -> s.atoms().stream())
                .filter(a -> a.feature() != null)
                .map(Atom::feature)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The distinct sequences the segments use (one CEP pattern each). */
    public Set<Sequence> sequences() {
        return segments.stream()
                .flatMap(s -> s.atoms().stream())
                .filter(a -> a.sequence() != null)
                .map(Atom::sequence)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** All definitions as one JSON list, for {@code SegmentDefinitions.parse}. */
    public String definitionsJson() {
        List<String> out = new ArrayList<>();
        for (Segment s : segments) {
            List<String> conditions = new ArrayList<>();
            for (Atom a : s.atoms()) {
                String c = a.sequence() != null ? sequenceJson(a.sequence()) : eventsJson(a);
                conditions.add(a.not() ? "{\"not\": " + c + "}" : c);
            }
            String condition =
                    conditions.size() == 1
                            ? conditions.get(0)
                            : "{\"all\": [" + String.join(", ", conditions) + "]}";
            out.add(
                    "{\"id\": \""
                            + s.id()
                            + "\", \"name\": \"synthetic "
                            + s.id()
                            + "\", \"condition\": "
                            + condition
                            + "}");
        }
        return "[\n" + String.join(",\n", out) + "\n]\n";
    }

    private static String eventsJson(Atom a) {
        Feature f = a.feature();
        StringBuilder b = new StringBuilder("{\"events\": {");
        b.append("\"where\": \"event.type == \\\"").append(f.type()).append("\\\"\", ");
        b.append("\"within\": \"").append(f.window().text()).append("\", ");
        String threshold = a.op() + " " + number(a.threshold());
        switch (f.kind()) {
            case COUNT -> b.append("\"count\": \"").append(threshold).append("\"");
            case SUM ->
                    b.append("\"sum\": \"event.properties.value\", \"value\": \"")
                            .append(threshold)
                            .append("\"");
            case AVG ->
                    b.append("\"avg\": \"event.properties.value\", \"value\": \"")
                            .append(threshold)
                            .append("\"");
        }
        return b.append("}}").toString();
    }

    private static String sequenceJson(Sequence s) {
        return "{\"sequence\": {\"steps\": [\"event.type == \\\""
                + s.first()
                + "\\\"\", \"event.type == \\\""
                + s.second()
                + "\\\"\"], \"within\": \""
                + s.window().text()
                + "\"}}";
    }

    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
