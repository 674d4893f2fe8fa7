package io.rtprofile.jobs.models.definition;

import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.segments.definition.CelExpression;
import io.rtprofile.jobs.segments.definition.Measure;
import io.rtprofile.jobs.segments.definition.Window;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * An online model (contract section 6, docs/models.md): what it is fed (features, in the language
 * of segment conditions), what it learns to predict (an outcome event within a horizon), when a
 * profile takes a training example, and how it learns.
 */
public record ModelDefinition(
        String id,
        String name,
        Algorithm algorithm,
        List<Feature> features,
        Optional<Label> label,
        Optional<CelExpression> examplesWhen,
        FtrlProximal.Parameters parameters,
        Optional<Clustering> clustering,
        Training training,
        String source) {

    /** Ids as for segments: they are Kafka keys and JSON field names. */
    public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /**
     * Feature names: short identifiers, so a factor reads well and a categorical input is name#n.
     */
    public static final Pattern FEATURE_NAME_PATTERN = Pattern.compile("[a-z][a-z0-9_]*");

    public ModelDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        features = List.copyOf(features);
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(clustering, "clustering");
        if (label.isPresent() != (algorithm == Algorithm.FTRL_LOGISTIC)
                || clustering.isPresent() != (algorithm == Algorithm.ONLINE_KMEANS)) {
            throw new IllegalArgumentException(
                    "ftrl-logistic takes a label, online-kmeans takes clusters: " + id);
        }
        Objects.requireNonNull(examplesWhen, "examplesWhen");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(source, "source");
    }

    /** The learning algorithms; the YAML value is {@link #key()}. */
    public enum Algorithm {
        FTRL_LOGISTIC("ftrl-logistic"),
        ONLINE_KMEANS("online-kmeans");

        private final String key;

        Algorithm(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** How a numeric feature becomes a model input. */
    public enum Scale {
        /** The value as it is (after the cap). */
        NONE,
        /** sign(x)·ln(1 + |x|): counts and amounts grow without bound; their logs do not. */
        LOG
    }

    /**
     * One feature: a named measure of the profile, and how its value becomes a model input. A
     * number is capped to [-cap, cap] and then scaled; a boolean is 1 or 0; a string is a category,
     * hashed into one of {@code buckets} inputs named {@code name#bucket}; no value is no input.
     */
    public record Feature(
            String name, Measure measure, Scale scale, OptionalDouble cap, int buckets) {
        public Feature {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(measure, "measure");
            Objects.requireNonNull(scale, "scale");
            Objects.requireNonNull(cap, "cap");
            if (buckets < 1) {
                throw new IllegalArgumentException("buckets must be at least 1: " + buckets);
            }
        }
    }

    /**
     * The outcome: an event matching {@code event} within {@code within} after the example was
     * taken makes it positive; none by then makes it negative.
     */
    public record Label(CelExpression event, Window within) {
        public Label {
            Objects.requireNonNull(event, "event");
            if (within.isLifetime()) {
                throw new IllegalArgumentException("a label's horizon must be finite");
            }
        }
    }

    /**
     * online-kmeans: {@code k} clusters; a profile contributes a point (its features) on an event
     * at most once per {@code every}; the clusters forget with factor {@code decay} per point and
     * start from {@code seedPoints} buffered points (see {@code OnlineKMeans}).
     */
    public record Clustering(int k, double decay, int seedPoints, Duration every) {
        public Clustering {
            if (k < 2 || !(decay > 0 && decay <= 1) || seedPoints < k || every.isNegative()) {
                throw new IllegalArgumentException(
                        "clusters need k >= 2, 0 < decay <= 1, seedPoints >= k");
            }
        }
    }

    /** The horizon of an example: the label's, or the interval between a profile's points. */
    public long exampleHorizon() {
        return label.map(l -> l.within().millis())
                .orElseGet(() -> clustering.orElseThrow().every().toMillis());
    }

    /**
     * When the trainer publishes a new version: every {@code publishEvery} examples, or {@code
     * publishInterval} after the first unpublished one, whichever comes first, once it has learned
     * from {@code minExamples}. Updates carry the {@code factors} largest contributions.
     */
    public record Training(
            long publishEvery, long minExamples, Duration publishInterval, int factors) {
        public static final Training DEFAULT = new Training(1_000, 100, Duration.ofSeconds(5), 5);
    }
}
