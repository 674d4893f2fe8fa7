package io.rtprofile.jobs.models.training;

import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.kmeans.OnlineKMeans;
import io.rtprofile.jobs.models.scoring.ActiveModels;
import io.rtprofile.schema.Cluster;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.state.KMeansState;
import io.rtprofile.schema.state.ModelTraining;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a model learns and what a version of it is, apart from Flink: the trainer operator calls it
 * example by example, and a bounded run replays its examples through it in event time ({@link
 * #replay}).
 */
public final class ModelLearner {

    /** Weight of the newest example in the exponentially weighted log loss and positive rate. */
    static final double RECENT = 1.0 / 2_000;

    private ModelLearner() {}

    /** A new model's state: FTRL weights, or empty clusters over the features. */
    static ModelTraining fresh(String text, ModelDefinition definition, long version) {
        return new ModelTraining(
                text,
                version,
                FtrlProximal.emptyWeights(),
                0L,
                0.0,
                0.0,
                definition.clustering().isEmpty()
                        ? null
                        : OnlineKMeans.emptyState(
                                definition.features().stream()
                                        .map(ModelDefinition.Feature::name)
                                        .toList()));
    }

    /** Examples (or points) learned from in all. */
    static long seen(ModelTraining state) {
        return state.getClusters() != null
                ? state.getClusters().getExamples()
                : state.getWeights().getExamples();
    }

    /**
     * Learns one example in place. FTRL scores it first with the weights as they stand (progressive
     * validation) into the recent log loss and {@code scores}; k-means moves the nearest centre (or
     * fills the seed buffer).
     */
    static void learn(
            ModelTraining state,
            ModelDefinition definition,
            TrainingExample example,
            RecentScores scores) {
        state.setUnpublished(state.getUnpublished() + 1);
        if (state.getClusters() != null) {
            kmeans(definition)
                    .update(
                            state.getClusters(),
                            ActiveModels.point(definition, example.getFeatures()));
            return;
        }
        boolean label = Boolean.TRUE.equals(example.getLabel());
        double p =
                new FtrlProximal(definition.parameters())
                        .update(state.getWeights(), example.getFeatures(), label)
                        .probability();
        double rate = Math.max(RECENT, 1.0 / state.getWeights().getExamples());
        state.setRecentLogLoss((1 - rate) * state.getRecentLogLoss() + rate * logLoss(p, label));
        state.setRecentPositiveRate(
                (1 - rate) * state.getRecentPositiveRate() + rate * (label ? 1 : 0));
        scores.add(p);
    }

    /** Whether a version is due by count: {@code publishEvery} new, {@code minExamples} in all. */
    static boolean due(ModelTraining state, ModelDefinition definition) {
        ModelDefinition.Training policy = definition.training();
        return state.getUnpublished() >= policy.publishEvery()
                && seen(state) >= policy.minExamples();
    }

    /** The next version of the model; numbers it and marks everything learned as published. */
    static Model publish(
            String modelId,
            ModelTraining state,
            ModelDefinition definition,
            RecentScores scores,
            long now,
            long inForceFrom) {
        state.setVersion(state.getVersion() + 1);
        state.setUnpublished(0L);
        Model.Builder version =
                Model.newBuilder()
                        .setModelId(modelId)
                        .setVersion(state.getVersion())
                        .setDefinition(state.getDefinition())
                        .setPublishedAt(now)
                        .setInForceFrom(inForceFrom)
                        .setExamples(seen(state));
        if (state.getClusters() != null) {
            return clusters(version, state.getClusters(), definition).build();
        }
        FtrlProximal learner = new FtrlProximal(definition.parameters());
        Map<String, Double> weights = new TreeMap<>();
        for (String input : state.getWeights().getZ().keySet()) {
            double w = learner.weight(state.getWeights(), input);
            if (w != 0) {
                weights.put(input, w);
            }
        }
        return version.setWeights(new HashMap<>(weights))
                .setScoreQuantiles(scores == null ? List.of() : scores.cutPoints())
                .setRecentLogLoss(state.getRecentLogLoss())
                .setRecentPositiveRate(state.getRecentPositiveRate())
                .build();
    }

    private static Model.Builder clusters(
            Model.Builder version, KMeansState clusters, ModelDefinition definition) {
        List<String> names = clusters.getFeatures();
        List<Cluster> published = new ArrayList<>();
        if (OnlineKMeans.initialized(clusters)) {
            double[][] centroids = OnlineKMeans.centroids(clusters);
            double[] sizes = OnlineKMeans.sizes(clusters);
            for (int i = 0; i < centroids.length; i++) {
                Map<String, Double> centre = new HashMap<>();
                for (int j = 0; j < names.size(); j++) {
                    centre.put(names.get(j), centroids[i][j]);
                }
                published.add(new Cluster(i, sizes[i], centre));
            }
        }
        Map<String, Double> deviations = new HashMap<>();
        double[] scale = kmeans(definition).scale(clusters);
        for (int j = 0; j < names.size() && j < scale.length; j++) {
            // OnlineKMeans multiplies by 1 / deviation; the version publishes the deviation.
            deviations.put(names.get(j), scale[j] > 0 ? 1 / scale[j] : 1.0);
        }
        return version.setClusters(published).setFeatureScales(deviations);
    }

    private static OnlineKMeans kmeans(ModelDefinition definition) {
        ModelDefinition.Clustering c = definition.clustering().orElseThrow();
        // The seed is the model id's hash: the same points in the same order give the same model.
        return new OnlineKMeans(
                new OnlineKMeans.Parameters(
                        c.k(), c.decay(), c.seedPoints(), definition.id().hashCode(), true));
    }

    static double logLoss(double p, boolean label) {
        double clipped = Math.min(1 - 1e-15, Math.max(1e-15, p));
        return label ? -Math.log(clipped) : -Math.log(1 - clipped);
    }

    static ModelDefinition parse(String text) {
        try {
            return ModelDefinitions.parseOne("model-training", text);
        } catch (ModelDefinitionException e) {
            // Only definitions that compiled where they came in are ever learned.
            throw new IllegalStateException("a model definition no longer compiles", e);
        }
    }

    /**
     * A bounded run's training, replayed in event time: every model of {@code catalog} learns its
     * examples in the order they were labelled (ties by profile, then by when they were taken), and
     * publishes a version every {@code publishEvery} examples once it has {@code minExamples}, and
     * a last one at the end, each in force after the instant of the last label it learned ({@link
     * Model#getInForceFrom}). The same examples give the same versions, whatever the order in which
     * a parallel run produced them. Processing time has no meaning here, so {@code publishInterval}
     * does not apply.
     */
    public static List<Model> replay(ModelCatalog catalog, Collection<TrainingExample> examples) {
        List<TrainingExample> ordered = new ArrayList<>(examples);
        ordered.sort(
                Comparator.comparingLong(TrainingExample::getLabelledAt)
                        .thenComparing(TrainingExample::getModelId)
                        .thenComparing(TrainingExample::getProfileId)
                        .thenComparingLong(TrainingExample::getTakenAt));
        Map<String, ModelDefinition> definitions = new TreeMap<>();
        Map<String, ModelTraining> states = new TreeMap<>();
        Map<String, RecentScores> scores = new HashMap<>();
        Map<String, Long> lastLabel = new HashMap<>();
        catalog.texts()
                .forEach(
                        (id, text) -> {
                            ModelDefinition d = parse(text);
                            definitions.put(id, d);
                            states.put(id, fresh(text, d, 0L));
                            scores.put(id, new ExactRecentScores());
                        });
        List<Model> versions = new ArrayList<>();
        for (TrainingExample example : ordered) {
            String id = example.getModelId();
            ModelTraining state = states.get(id);
            if (state == null) {
                continue;
            }
            ModelDefinition definition = definitions.get(id);
            learn(state, definition, example, scores.get(id));
            lastLabel.put(id, example.getLabelledAt());
            if (due(state, definition)) {
                versions.add(
                        publish(
                                id,
                                state,
                                definition,
                                scores.get(id),
                                0L,
                                example.getLabelledAt()));
            }
        }
        states.forEach(
                (id, state) -> {
                    if (state.getUnpublished() > 0
                            && seen(state) >= definitions.get(id).training().minExamples()) {
                        versions.add(
                                publish(
                                        id,
                                        state,
                                        definitions.get(id),
                                        scores.get(id),
                                        0L,
                                        lastLabel.get(id)));
                    }
                });
        versions.sort(
                Comparator.comparingLong(Model::getInForceFrom)
                        .thenComparing(Model::getModelId)
                        .thenComparingLong(Model::getVersion));
        return versions;
    }
}
