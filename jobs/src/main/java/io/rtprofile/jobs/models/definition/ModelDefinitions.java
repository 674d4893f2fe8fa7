package io.rtprofile.jobs.models.definition;

import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.segments.definition.Aggregate;
import io.rtprofile.jobs.segments.definition.CelExpression;
import io.rtprofile.jobs.segments.definition.Condition;
import io.rtprofile.jobs.segments.definition.DefinitionProblem;
import io.rtprofile.jobs.segments.definition.DefinitionReader;
import io.rtprofile.jobs.segments.definition.Measure;
import io.rtprofile.jobs.segments.definition.Window;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reads model definitions (contract section 6, docs/models.md) from YAML or JSON and validates them
 * statically, with the same reader as segment definitions: features are written as segment
 * conditions are, and every problem is reported with its file and line.
 *
 * <pre>
 * id: purchase-propensity
 * name: Buys within the hour
 * algorithm: ftrl-logistic
 * features:
 *   - name: cart_adds_1h
 *     events: {where: event.type == "commerce.addToCart", within: 1h}   # count, sum, avg, distinct
 *     cap: 5
 *     scale: none                       # or log (the default for numbers)
 *   - name: country
 *     profile: profile.attributes.country    # a string is a category, hashed
 *   - name: searched_then_carted
 *     condition: {sequence: {steps: [...], within: 1d}}   # any segment condition: 1 or 0
 *   - name: vip
 *     segment: high-value
 * label: {event: event.type == "commerce.purchase", within: 1h}
 * examples: {when: event.type == "web.pageView"}             # optional
 * parameters: {alpha: 0.1, beta: 1, l1: 0.1, l2: 0.1}        # optional
 * training: {publishEvery: 1000, minExamples: 100, publishInterval: 5s, factors: 5}  # optional
 * </pre>
 */
public final class ModelDefinitions {

    private static final Set<String> DEFINITION_KEYS =
            Set.of(
                    "id",
                    "name",
                    "algorithm",
                    "features",
                    "label",
                    "clusters",
                    "examples",
                    "parameters",
                    "training");
    private static final List<String> FEATURE_KINDS =
            List.of("events", "condition", "segment", "profile");
    private static final Set<String> FEATURE_KEYS =
            Set.of("name", "events", "condition", "segment", "profile", "scale", "cap", "buckets");
    private static final Set<String> FEATURE_EVENTS_KEYS =
            Set.of("where", "within", "count", "sum", "avg", "distinct");
    private static final Set<String> LABEL_KEYS = Set.of("event", "within");
    private static final Set<String> EXAMPLES_KEYS = Set.of("when", "every");
    private static final Set<String> PARAMETER_KEYS = Set.of("alpha", "beta", "l1", "l2");
    private static final Set<String> KMEANS_PARAMETER_KEYS = Set.of("decay", "seedPoints");

    /** online-kmeans: a profile's points at most this often unless the definition says. */
    public static final Duration DEFAULT_POINT_INTERVAL = Duration.ofDays(1);

    private static final Set<String> TRAINING_KEYS =
            Set.of("publishEvery", "minExamples", "publishInterval", "factors");

    /** Defaults of FTRL-Proximal's parameters: a learning rate that suits inputs of order 1. */
    public static final FtrlProximal.Parameters DEFAULT_PARAMETERS =
            new FtrlProximal.Parameters(0.1, 1.0, 0.1, 0.1);

    /** Hash buckets of a categorical feature unless it says otherwise. */
    public static final int DEFAULT_BUCKETS = 64;

    /** A distinct-count feature counts up to this many values unless it has a cap. */
    public static final int DEFAULT_DISTINCT_CAP = 100;

    static final int MAX_FEATURES = 200;

    private ModelDefinitions() {}

    /**
     * Loads a {@code .yaml}, {@code .yml} or {@code .json} file (one definition or a list), or
     * every such file under a directory, in path order.
     *
     * @throws IOException when {@code path} cannot be read at all
     * @throws ModelDefinitionException listing every problem found
     */
    public static List<ModelDefinition> load(Path path)
            throws IOException, ModelDefinitionException {
        Loader loader = new Loader();
        loader.readPath(path);
        return loader.finish();
    }

    /**
     * Parses definitions from text that did not come from a file (a Kafka record, a catalog);
     * {@code origin} names it in problems and chooses JSON when it ends in {@code .json}.
     */
    public static List<ModelDefinition> parse(String origin, String content)
            throws ModelDefinitionException {
        Loader loader = new Loader();
        loader.read(origin, content);
        return loader.finish();
    }

    /** Parses the text of exactly one definition (a catalog entry, a {@code models} record). */
    public static ModelDefinition parseOne(String origin, String content)
            throws ModelDefinitionException {
        List<ModelDefinition> definitions = parse(origin, content);
        if (definitions.size() != 1) {
            throw new ModelDefinitionException(
                    List.of(
                            new DefinitionProblem(
                                    origin, 0, "expected exactly one model definition")));
        }
        return definitions.get(0);
    }

    private record Parsed(String id, String file, int line, ModelDefinition definition) {}

    private static final class Loader extends DefinitionReader {
        private final List<Parsed> parsed = new ArrayList<>();

        @Override
        protected void definition(Node node) {
            broken = false;
            refs = new ArrayList<>();
            if (!(node instanceof MapNode map)) {
                problem(
                        node.line(),
                        "expected a model definition (a mapping with id, name, algorithm,"
                                + " features and label), found "
                                + node.kind());
                return;
            }
            unknownKeys(map, DEFINITION_KEYS, "a model definition");
            String id = string(map, "id", "a model definition");
            if (id != null && !ModelDefinition.ID_PATTERN.matcher(id).matches()) {
                problem(
                        map.entries().get("id").value().line(),
                        "bad id '" + id + "': must match [a-z0-9][a-z0-9-]*");
                id = null;
            }
            String name = string(map, "name", "a model definition");
            ModelDefinition.Algorithm algorithm = algorithm(map);
            boolean clusters = algorithm == ModelDefinition.Algorithm.ONLINE_KMEANS;
            List<ModelDefinition.Feature> features = features(map);
            Optional<ModelDefinition.Label> label = Optional.empty();
            Optional<ModelDefinition.Clustering> clustering = Optional.empty();
            FtrlProximal.Parameters parameters = DEFAULT_PARAMETERS;
            if (algorithm == ModelDefinition.Algorithm.FTRL_LOGISTIC) {
                ModelDefinition.Label l = label(map);
                label = l == null ? null : Optional.of(l);
                parameters = parameters(map);
                forbidden(map, "clusters", "ftrl-logistic");
            } else if (clusters) {
                ModelDefinition.Clustering c = clustering(map);
                clustering = c == null ? null : Optional.of(c);
                forbidden(map, "label", "online-kmeans (it learns without labels)");
            }
            Optional<CelExpression> when = examples(map, clusters);
            ModelDefinition.Training training = training(map);
            ModelDefinition definition =
                    broken
                                    || id == null
                                    || name == null
                                    || algorithm == null
                                    || features == null
                                    || label == null
                                    || clustering == null
                                    || when == null
                                    || parameters == null
                                    || training == null
                            ? null
                            : new ModelDefinition(
                                    id,
                                    name,
                                    algorithm,
                                    features,
                                    label,
                                    when,
                                    parameters,
                                    clustering,
                                    training,
                                    toJson(map));
            parsed.add(new Parsed(id, file, map.line(), definition));
        }

        private ModelDefinition.Algorithm algorithm(MapNode map) {
            String text = string(map, "algorithm", "a model definition");
            if (text == null) {
                return null;
            }
            for (ModelDefinition.Algorithm a : ModelDefinition.Algorithm.values()) {
                if (a.key().equals(text)) {
                    return a;
                }
            }
            problem(
                    map.entries().get("algorithm").value().line(),
                    "unknown algorithm '" + text + "' (expected ftrl-logistic or online-kmeans)");
            return null;
        }

        private List<ModelDefinition.Feature> features(MapNode map) {
            Entry e = required(map, "features", "a model definition");
            if (e == null) {
                return null;
            }
            if (!(e.value() instanceof ListNode list) || list.items().isEmpty()) {
                problem(
                        e.value().line(),
                        "features takes a non-empty list of features, found " + e.value().kind());
                return null;
            }
            if (list.items().size() > MAX_FEATURES) {
                problem(
                        e.value().line(),
                        "at most " + MAX_FEATURES + " features; found " + list.items().size());
                return null;
            }
            List<ModelDefinition.Feature> features = new ArrayList<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean ok = true;
            for (Node item : list.items()) {
                String name = featureName(item);
                Integer first = name == null ? null : seen.putIfAbsent(name, item.line());
                if (first != null) {
                    problem(
                            item.line(),
                            "duplicate feature '" + name + "' (first at line " + first + ")");
                    ok = false;
                }
                ModelDefinition.Feature feature = feature(item);
                if (feature == null) {
                    ok = false;
                    continue;
                }
                features.add(feature);
            }
            return ok ? features : null;
        }

        /** The name a feature gives itself, whatever else is wrong with it (for duplicates). */
        private static String featureName(Node node) {
            if (node instanceof MapNode map
                    && map.entries().get("name") != null
                    && map.entries().get("name").value() instanceof ScalarNode s) {
                return s.text();
            }
            return null;
        }

        private ModelDefinition.Feature feature(Node node) {
            if (!(node instanceof MapNode map)) {
                problem(
                        node.line(),
                        "expected a feature (a mapping with name and one of "
                                + String.join(", ", FEATURE_KINDS)
                                + "), found "
                                + node.kind());
                return null;
            }
            boolean ok = unknownKeys(map, FEATURE_KEYS, "a feature");
            String name = string(map, "name", "a feature");
            if (name != null && !ModelDefinition.FEATURE_NAME_PATTERN.matcher(name).matches()) {
                problem(
                        map.entries().get("name").value().line(),
                        "bad feature name '" + name + "': must match [a-z][a-z0-9_]*");
                ok = false;
            }
            List<Entry> kinds =
                    FEATURE_KINDS.stream().map(map.entries()::get).filter(x -> x != null).toList();
            if (kinds.size() != 1) {
                problem(
                        kinds.isEmpty() ? map.line() : kinds.get(1).keyLine(),
                        "a feature has exactly one of "
                                + String.join(", ", FEATURE_KINDS)
                                + "; found "
                                + (kinds.isEmpty()
                                        ? "none"
                                        : String.join(
                                                ", ", kinds.stream().map(Entry::key).toList())));
                return null;
            }
            Entry kind = kinds.get(0);
            OptionalDouble cap = OptionalDouble.empty();
            Entry capEntry = map.entries().get("cap");
            if (capEntry != null) {
                Double c = positive(capEntry);
                ok &= c != null;
                cap = c == null ? cap : OptionalDouble.of(c);
            }
            Measure measure =
                    switch (kind.key()) {
                        case "events" -> events(kind, cap);
                        case "condition" -> {
                            Condition c = condition(kind.value());
                            yield c == null ? null : new Measure.Holds(c);
                        }
                        case "segment" -> {
                            Condition c = segment(kind);
                            yield c == null ? null : new Measure.Holds(c);
                        }
                        default -> {
                            CelExpression x = cel(kind, Kind.PROFILE_VALUE);
                            yield x == null ? null : new Measure.ProfileValue(x);
                        }
                    };
            ModelDefinition.Scale scale = ModelDefinition.Scale.LOG;
            Entry scaleEntry = map.entries().get("scale");
            if (scaleEntry != null) {
                String text = scalar(scaleEntry, "scale");
                if (text == null) {
                    ok = false;
                } else if (text.equals("none") || text.equals("log")) {
                    scale = ModelDefinition.Scale.valueOf(text.toUpperCase(Locale.ROOT));
                } else {
                    problem(
                            scaleEntry.value().line(),
                            "scale is none or log, found '" + text + "'");
                    ok = false;
                }
            }
            int buckets = DEFAULT_BUCKETS;
            Entry bucketsEntry = map.entries().get("buckets");
            if (bucketsEntry != null) {
                Double b = positive(bucketsEntry);
                if (b == null || b != Math.rint(b) || b > 1 << 16) {
                    if (b != null) {
                        problem(
                                bucketsEntry.value().line(),
                                "buckets is a whole number from 1 to 65536");
                    }
                    ok = false;
                } else {
                    buckets = b.intValue();
                }
            }
            if (!ok || name == null || measure == null) {
                return null;
            }
            return new ModelDefinition.Feature(name, measure, scale, cap, buckets);
        }

        private Measure events(Entry e, OptionalDouble cap) {
            if (!(e.value() instanceof MapNode map)) {
                problem(
                        e.value().line(),
                        "events takes a mapping (where, within, and count, sum, avg or"
                                + " distinct), found "
                                + e.value().kind());
                return null;
            }
            boolean ok = true;
            for (Entry key : map.entries().values()) {
                if (key.key().equals("min")
                        || key.key().equals("max")
                        || key.key().equals("value")) {
                    problem(
                            key.keyLine(),
                            key.key().equals("value")
                                    ? "a feature takes no comparison: its value is the aggregate"
                                    : "min and max are not feature aggregates (use avg, or a"
                                            + " condition feature with a threshold)");
                    ok = false;
                }
            }
            ok &= unknownKeys(filtered(map), FEATURE_EVENTS_KEYS, "a feature's events");
            Optional<CelExpression> where = Optional.empty();
            Entry whereEntry = map.entries().get("where");
            if (whereEntry != null) {
                CelExpression w = cel(whereEntry, Kind.EVENT_PREDICATE);
                ok &= w != null;
                where = Optional.ofNullable(w);
            }
            Window within = window(map, "a feature's events");
            ok &= within != null;
            List<Entry> aggregates =
                    List.of("count", "sum", "avg", "distinct").stream()
                            .map(map.entries()::get)
                            .filter(x -> x != null)
                            .toList();
            if (aggregates.size() > 1) {
                problem(
                        aggregates.get(1).keyLine(),
                        "events takes at most one of count, sum, avg, distinct");
                return null;
            }
            Aggregate aggregate = Aggregate.COUNT;
            if (!aggregates.isEmpty() && !aggregates.get(0).key().equals("count")) {
                Entry agg = aggregates.get(0);
                CelExpression of = cel(agg, Kind.EVENT_VALUE);
                ok &= of != null;
                if (of != null) {
                    aggregate =
                            new Aggregate(
                                    Aggregate.Function.valueOf(agg.key().toUpperCase(Locale.ROOT)),
                                    Optional.of(of));
                }
            } else if (!aggregates.isEmpty()) {
                Entry count = aggregates.get(0);
                String text = scalar(count, "count");
                if (text != null && !text.equals("true")) {
                    problem(
                            count.value().line(),
                            "a feature's count takes no comparison: write count: true, or"
                                    + " leave it out");
                    ok = false;
                }
            }
            if (!ok) {
                return null;
            }
            int distinctCap =
                    cap.isPresent()
                            ? (int) Math.min(Integer.MAX_VALUE - 1, Math.ceil(cap.getAsDouble()))
                            : DEFAULT_DISTINCT_CAP;
            return new Measure.EventAggregate(where, within, aggregate, distinctCap);
        }

        /** The mapping without the keys already reported (min, max, value). */
        private static MapNode filtered(MapNode map) {
            Map<String, Entry> entries = new java.util.LinkedHashMap<>(map.entries());
            entries.remove("min");
            entries.remove("max");
            entries.remove("value");
            return new MapNode(map.line(), entries);
        }

        private ModelDefinition.Label label(MapNode map) {
            Entry e = required(map, "label", "a model definition");
            if (e == null) {
                return null;
            }
            if (!(e.value() instanceof MapNode label)) {
                problem(
                        e.value().line(),
                        "label takes a mapping (event, within), found " + e.value().kind());
                return null;
            }
            boolean ok = unknownKeys(label, LABEL_KEYS, "label");
            Entry event = required(label, "event", "label");
            CelExpression x = event == null ? null : cel(event, Kind.EVENT_PREDICATE);
            Window within = window(label, "label");
            if (within != null && within.isLifetime()) {
                problem(
                        label.entries().get("within").value().line(),
                        "a label's horizon must be finite (the example is negative once it"
                                + " passes)");
                return null;
            }
            return ok && x != null && within != null ? new ModelDefinition.Label(x, within) : null;
        }

        private void forbidden(MapNode map, String key, String algorithm) {
            Entry e = map.entries().get(key);
            if (e != null) {
                problem(e.keyLine(), key + " does not apply to " + algorithm);
            }
        }

        /** online-kmeans: clusters (k), the point interval, and its parameters. */
        private ModelDefinition.Clustering clustering(MapNode map) {
            Entry k = required(map, "clusters", "an online-kmeans model");
            Double clusters = k == null ? null : positive(k);
            if (clusters != null
                    && (clusters != Math.rint(clusters) || clusters < 2 || clusters > 100)) {
                problem(k.value().line(), "clusters is a whole number from 2 to 100");
                clusters = null;
            }
            Duration every = DEFAULT_POINT_INTERVAL;
            Entry examples = map.entries().get("examples");
            if (examples != null
                    && examples.value() instanceof MapNode m
                    && m.entries().get("every") != null) {
                Entry e = m.entries().get("every");
                String text = scalar(e, "every");
                try {
                    Window w = text == null ? null : Window.parse(text.trim());
                    if (w == null || w.isLifetime()) {
                        throw new IllegalArgumentException("every is a duration such as 1d or 12h");
                    }
                    every = Duration.ofMillis(w.millis());
                } catch (IllegalArgumentException ex) {
                    problem(e.value().line(), ex.getMessage());
                    return null;
                }
            }
            double decay = 1.0;
            Double seedPoints = clusters == null ? null : 20 * clusters;
            Entry p = map.entries().get("parameters");
            if (p != null) {
                if (!(p.value() instanceof MapNode params)) {
                    problem(
                            p.value().line(),
                            "parameters takes a mapping (decay, seedPoints), found "
                                    + p.value().kind());
                    return null;
                }
                if (!unknownKeys(params, KMEANS_PARAMETER_KEYS, "online-kmeans parameters")) {
                    return null;
                }
                Double d = number(params, "decay", 1.0);
                Double s = number(params, "seedPoints", seedPoints == null ? 0 : seedPoints);
                if (d == null || s == null) {
                    return null;
                }
                decay = d;
                seedPoints = s;
            }
            if (clusters == null) {
                return null;
            }
            try {
                return new ModelDefinition.Clustering(
                        clusters.intValue(), decay, seedPoints.intValue(), every);
            } catch (IllegalArgumentException ex) {
                problem(
                        p != null ? p.value().line() : k.value().line(),
                        "online-kmeans needs 0 < decay <= 1 and seedPoints >= clusters");
                return null;
            }
        }

        /** The examples' trigger: empty for every event, null when broken. */
        private Optional<CelExpression> examples(MapNode map, boolean clusters) {
            Entry e = map.entries().get("examples");
            if (e == null) {
                return Optional.empty();
            }
            if (!(e.value() instanceof MapNode examples)) {
                problem(
                        e.value().line(),
                        "examples takes a mapping (when), found " + e.value().kind());
                return null;
            }
            if (!unknownKeys(examples, EXAMPLES_KEYS, "examples")) {
                return null;
            }
            if (!clusters && examples.entries().get("every") != null) {
                problem(
                        examples.entries().get("every").keyLine(),
                        "every applies to online-kmeans; an ftrl-logistic profile takes its next"
                                + " example once the last is labelled");
                return null;
            }
            Entry when = examples.entries().get("when");
            if (when == null) {
                return Optional.empty();
            }
            CelExpression x = cel(when, Kind.EVENT_PREDICATE);
            return x == null ? null : Optional.of(x);
        }

        private FtrlProximal.Parameters parameters(MapNode map) {
            Entry e = map.entries().get("parameters");
            if (e == null) {
                return DEFAULT_PARAMETERS;
            }
            if (!(e.value() instanceof MapNode p)) {
                problem(
                        e.value().line(),
                        "parameters takes a mapping (alpha, beta, l1, l2), found "
                                + e.value().kind());
                return null;
            }
            if (!unknownKeys(p, PARAMETER_KEYS, "parameters")) {
                return null;
            }
            Double alpha = number(p, "alpha", DEFAULT_PARAMETERS.alpha());
            Double beta = number(p, "beta", DEFAULT_PARAMETERS.beta());
            Double l1 = number(p, "l1", DEFAULT_PARAMETERS.l1());
            Double l2 = number(p, "l2", DEFAULT_PARAMETERS.l2());
            if (alpha == null || beta == null || l1 == null || l2 == null) {
                return null;
            }
            try {
                return new FtrlProximal.Parameters(alpha, beta, l1, l2);
            } catch (IllegalArgumentException ex) {
                problem(e.value().line(), ex.getMessage());
                return null;
            }
        }

        private ModelDefinition.Training training(MapNode map) {
            Entry e = map.entries().get("training");
            ModelDefinition.Training d = ModelDefinition.Training.DEFAULT;
            if (e == null) {
                return d;
            }
            if (!(e.value() instanceof MapNode t)) {
                problem(
                        e.value().line(),
                        "training takes a mapping (publishEvery, minExamples, publishInterval,"
                                + " factors), found "
                                + e.value().kind());
                return null;
            }
            if (!unknownKeys(t, TRAINING_KEYS, "training")) {
                return null;
            }
            Double every = number(t, "publishEvery", d.publishEvery());
            Double min = number(t, "minExamples", d.minExamples());
            Double factors = number(t, "factors", d.factors());
            Duration interval = d.publishInterval();
            Entry i = t.entries().get("publishInterval");
            if (i != null) {
                String text = scalar(i, "publishInterval");
                try {
                    Window w = text == null ? null : Window.parse(text.trim());
                    if (w == null || w.isLifetime()) {
                        throw new IllegalArgumentException(
                                "publishInterval is a duration such as 5s or 1m");
                    }
                    interval = Duration.ofMillis(w.millis());
                } catch (IllegalArgumentException ex) {
                    problem(i.value().line(), ex.getMessage());
                    return null;
                }
            }
            if (every == null || min == null || factors == null) {
                return null;
            }
            if (every < 1 || min < 0 || factors < 0 || factors > 50) {
                problem(
                        e.value().line(),
                        "publishEvery is at least 1, minExamples at least 0, factors 0 to 50");
                return null;
            }
            return new ModelDefinition.Training(
                    every.longValue(), min.longValue(), interval, factors.intValue());
        }

        private Double number(MapNode map, String key, double otherwise) {
            Entry e = map.entries().get(key);
            if (e == null) {
                return otherwise;
            }
            String text = scalar(e, key);
            if (text == null) {
                return null;
            }
            try {
                double value = Double.parseDouble(text.trim());
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException ex) {
                // reported below
            }
            problem(e.value().line(), key + " takes a number, found '" + text + "'");
            return null;
        }

        private Double positive(Entry e) {
            String text = scalar(e, e.key());
            if (text == null) {
                return null;
            }
            try {
                double value = Double.parseDouble(text.trim());
                if (Double.isFinite(value) && value > 0) {
                    return value;
                }
            } catch (NumberFormatException ex) {
                // reported below
            }
            problem(e.value().line(), e.key() + " takes a positive number, found '" + text + "'");
            return null;
        }

        List<ModelDefinition> finish() throws ModelDefinitionException {
            Map<String, Parsed> byId = new HashMap<>();
            for (Parsed p : parsed) {
                if (p.id() == null) {
                    continue;
                }
                Parsed first = byId.putIfAbsent(p.id(), p);
                if (first != null) {
                    problem(
                            p.file(),
                            p.line(),
                            "duplicate id '"
                                    + p.id()
                                    + "' (first defined at "
                                    + first.file()
                                    + ":"
                                    + first.line()
                                    + ")");
                }
            }
            if (!problems.isEmpty()) {
                problems.sort(
                        Comparator.comparingInt((DefinitionProblem p) -> files.indexOf(p.file()))
                                .thenComparingInt(DefinitionProblem::line));
                throw new ModelDefinitionException(problems);
            }
            return parsed.stream().map(Parsed::definition).toList();
        }
    }
}
