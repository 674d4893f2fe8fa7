package io.rtprofile.jobs.models.scoring;

import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.segments.definition.Measure;
import io.rtprofile.schema.Cluster;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.ScoreFactor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The models in force in one profile task, compiled: their features as one list of measures for the
 * segment plan (so they share aggregates with segments), and what turns the measured values into
 * each model's inputs and score. Scoring reads the weights a published {@link Model} version
 * carries; learning happens in the trainer (docs/models.md).
 */
public final class ActiveModels {

    /** A model in force; its features are measures {@code firstMeasure ..} of the plan. */
    public record Active(ModelDefinition definition, int firstMeasure) {
        public String id() {
            return definition.id();
        }

        /** Whether it learns from labels (ftrl-logistic) rather than from points (k-means). */
        public boolean isSupervised() {
            return definition.label().isPresent();
        }
    }

    /** A model's inputs for one profile at one instant, with what a factor shows for each. */
    public record Inputs(Map<String, Double> values, Map<String, FeatureEncoder.Shown> shown) {}

    /** What a set of definition texts amounts to: the models in force, and why others are not. */
    public record Resolution(ActiveModels models, List<String> refused) {}

    private static final ActiveModels NONE = new ActiveModels(List.of());

    private final List<Active> models;
    private final List<Measure> measures = new ArrayList<>();

    private ActiveModels(List<ModelDefinition> definitions) {
        List<Active> active = new ArrayList<>();
        for (ModelDefinition d : definitions) {
            active.add(new Active(d, measures.size()));
            d.features().forEach(f -> measures.add(f.measure()));
        }
        this.models = List.copyOf(active);
    }

    public static ActiveModels none() {
        return NONE;
    }

    public static ActiveModels of(List<ModelDefinition> definitions) {
        return new ActiveModels(definitions);
    }

    /** Compiles every text (by model id) on its own; a text that does not compile is refused. */
    public static Resolution resolve(Map<String, String> texts) {
        List<ModelDefinition> definitions = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(texts).entrySet()) {
            try {
                ModelDefinition d =
                        ModelDefinitions.parseOne("models/" + entry.getKey(), entry.getValue());
                if (d.id().equals(entry.getKey())) {
                    definitions.add(d);
                } else {
                    refused.add(entry.getKey() + ": the definition's id is '" + d.id() + "'");
                }
            } catch (ModelDefinitionException e) {
                refused.add(entry.getKey() + ": " + e.getMessage());
            }
        }
        return new Resolution(new ActiveModels(definitions), refused);
    }

    public List<Active> models() {
        return models;
    }

    /** The model in force with this id, or null. */
    public Active find(String modelId) {
        for (Active model : models) {
            if (model.id().equals(modelId)) {
                return model;
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return models.isEmpty();
    }

    /** Every model's features, in order: what the segment plan compiles alongside segments. */
    public List<Measure> measures() {
        return measures;
    }

    /** The model's inputs from the plan's measured values, with the intercept. */
    public Inputs inputs(Active model, Object[] measured) {
        Map<String, Double> values = new HashMap<>();
        Map<String, FeatureEncoder.Shown> shown = new HashMap<>();
        values.put(FeatureEncoder.BIAS, 1.0);
        List<ModelDefinition.Feature> features = model.definition().features();
        for (int i = 0; i < features.size(); i++) {
            FeatureEncoder.encode(
                    features.get(i), measured[model.firstMeasure() + i], values, shown);
        }
        return new Inputs(values, shown);
    }

    /**
     * The score of {@code inputs} under a published version: the probability, its percentile among
     * recent scores ({@code null} until the version has cut points) and the largest contributions
     * to the log-odds, the intercept left out.
     */
    public static Score score(Active model, Inputs inputs, Model published) {
        if (!model.isSupervised()) {
            return cluster(model, inputs, published);
        }
        Map<String, Double> weights = published.getWeights();
        double logOdds = 0;
        List<ScoreFactor> factors = new ArrayList<>();
        for (Map.Entry<String, Double> input : inputs.values().entrySet()) {
            Double w = weights.get(input.getKey());
            if (w == null || w == 0) {
                continue;
            }
            double contribution = w * input.getValue();
            logOdds += contribution;
            FeatureEncoder.Shown shown = inputs.shown().get(input.getKey());
            if (shown != null) {
                factors.add(new ScoreFactor(shown.feature(), shown.value(), contribution));
            }
        }
        factors.sort(
                Comparator.comparingDouble((ScoreFactor f) -> -Math.abs(f.getContribution()))
                        .thenComparing(ScoreFactor::getFeature));
        int keep = model.definition().training().factors();
        double probability = FtrlProximal.sigmoid(logOdds);
        return Score.newBuilder()
                .setScore(probability)
                .setPercentile(percentile(published.getScoreQuantiles(), probability))
                .setModelVersion(published.getVersion())
                .setFactors(new ArrayList<>(factors.subList(0, Math.min(keep, factors.size()))))
                .build();
    }

    /**
     * online-kmeans: the nearest cluster of the published version by standardized distance d; the
     * score is 1 / (1 + d), the closeness to the centre, and the factors are the features farthest
     * from it, each with its deviation in standard deviations (signed). {@code null} while the
     * version has no clusters yet.
     */
    static Score cluster(Active model, Inputs inputs, Model published) {
        List<Cluster> clusters = published.getClusters();
        if (clusters.isEmpty()) {
            return null;
        }
        List<ModelDefinition.Feature> features = model.definition().features();
        double[] x = point(model, inputs);
        double[] scale = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double s = published.getFeatureScales().getOrDefault(features.get(j).name(), 1.0);
            scale[j] = s > 0 ? s : 1.0;
        }
        Cluster nearest = null;
        double best = Double.POSITIVE_INFINITY;
        for (Cluster c : clusters) {
            double d2 = 0;
            for (int j = 0; j < x.length; j++) {
                double z =
                        (x[j] - c.getCentre().getOrDefault(features.get(j).name(), 0.0)) / scale[j];
                d2 += z * z;
            }
            if (d2 < best) {
                best = d2;
                nearest = c;
            }
        }
        List<ScoreFactor> factors = new ArrayList<>();
        for (int j = 0; j < x.length; j++) {
            String name = features.get(j).name();
            double z = (x[j] - nearest.getCentre().getOrDefault(name, 0.0)) / scale[j];
            if (z != 0) {
                FeatureEncoder.Shown shown = inputs.shown().get(name);
                factors.add(new ScoreFactor(name, shown != null ? shown.value() : x[j], z));
            }
        }
        factors.sort(
                Comparator.comparingDouble((ScoreFactor f) -> -Math.abs(f.getContribution()))
                        .thenComparing(ScoreFactor::getFeature));
        int keep = model.definition().training().factors();
        return Score.newBuilder()
                .setScore(1 / (1 + Math.sqrt(best)))
                .setPercentile(null)
                .setModelVersion(published.getVersion())
                .setCluster(nearest.getCluster())
                .setFactors(new ArrayList<>(factors.subList(0, Math.min(keep, factors.size()))))
                .build();
    }

    /**
     * A k-means point: each feature's input in definition order (a number, or 1 / 0 for a boolean);
     * a feature without a numeric input (no value, a category) is 0.
     */
    public static double[] point(Active model, Inputs inputs) {
        return point(model.definition(), inputs.values());
    }

    /** The same from a training example's inputs. */
    public static double[] point(ModelDefinition definition, Map<String, Double> inputs) {
        List<ModelDefinition.Feature> features = definition.features();
        double[] x = new double[features.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = inputs.getOrDefault(features.get(j).name(), 0.0);
        }
        return x;
    }

    /** How many of the cut points (1st .. 99th percentiles) the score reaches: 0 to 99. */
    static Integer percentile(List<Double> cutPoints, double score) {
        if (cutPoints.isEmpty()) {
            return null;
        }
        int lo = 0;
        int hi = cutPoints.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cutPoints.get(mid) <= score) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (int) Math.round(lo * 99.0 / cutPoints.size());
    }
}
