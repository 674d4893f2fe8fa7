package io.rtprofile.jobs.models.ftrl;

import io.rtprofile.schema.state.FtrlWeights;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Online logistic regression with FTRL-Proximal (McMahan et al., "Ad Click Prediction: a View from
 * the Trenches", KDD 2013, Algorithm 1): per-coordinate learning rates, L1 (which keeps weights at
 * exactly zero until a feature has earned one) and L2. Pure math over the model's {@link
 * FtrlWeights} record, so it is tested by hand-computed values and checkpointed as Avro.
 *
 * <p>Per feature i, with gradient g = (p − y)·x_i of the log loss:
 *
 * <pre>
 * σ_i = (√(n_i + g²) − √n_i) / α;   z_i += g − σ_i·w_i;   n_i += g²
 * w_i = 0 if |z_i| ≤ λ1, else −(z_i − sgn(z_i)·λ1) / ((β + √n_i)/α + λ2)
 * </pre>
 *
 * The weights are never stored: they are a function of z and n, so an update touches only the
 * features of its example.
 */
public final class FtrlProximal implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Learning-rate and regularization parameters (α, β, λ1, λ2 in the paper). */
    public record Parameters(double alpha, double beta, double l1, double l2)
            implements Serializable {
        public Parameters {
            if (!(alpha > 0) || beta < 0 || l1 < 0 || l2 < 0) {
                throw new IllegalArgumentException(
                        String.format(
                                "FTRL needs alpha > 0 and beta, l1, l2 >= 0; got alpha %s,"
                                        + " beta %s, l1 %s, l2 %s",
                                alpha, beta, l1, l2));
            }
        }
    }

    /** One feature's share of a score: its value, and weight times value on the log-odds scale. */
    public record Contribution(String feature, double value, double contribution) {}

    /** A prediction with what it is made of, largest contributions first. */
    public record Prediction(double probability, double logOdds, List<Contribution> factors) {}

    private final Parameters parameters;

    public FtrlProximal(Parameters parameters) {
        this.parameters = parameters;
    }

    /** An empty model: every weight zero, every prediction 0.5. */
    public static FtrlWeights emptyWeights() {
        return FtrlWeights.newBuilder()
                .setZ(new HashMap<>())
                .setN(new HashMap<>())
                .setExamples(0)
                .build();
    }

    /** The weight of one feature (zero for one never seen, or held at zero by L1). */
    public double weight(FtrlWeights weights, String feature) {
        Double z = weights.getZ().get(feature);
        if (z == null || Math.abs(z) <= parameters.l1()) {
            return 0;
        }
        double n = weights.getN().getOrDefault(feature, 0.0);
        return -(z - Math.signum(z) * parameters.l1())
                / ((parameters.beta() + Math.sqrt(n)) / parameters.alpha() + parameters.l2());
    }

    /** The probability of a positive label for the features {@code x} (name to value). */
    public Prediction predict(FtrlWeights weights, Map<String, Double> x) {
        double logOdds = 0;
        List<Contribution> factors = new ArrayList<>(x.size());
        for (Map.Entry<String, Double> feature : x.entrySet()) {
            double value = feature.getValue();
            double contribution = weight(weights, feature.getKey()) * value;
            logOdds += contribution;
            if (contribution != 0) {
                factors.add(new Contribution(feature.getKey(), value, contribution));
            }
        }
        factors.sort(
                Comparator.comparingDouble((Contribution c) -> -Math.abs(c.contribution()))
                        .thenComparing(Contribution::feature));
        return new Prediction(sigmoid(logOdds), logOdds, factors);
    }

    /**
     * Learns from one example in place.
     *
     * @return the prediction made before the update (what progressive validation scores)
     */
    public Prediction update(FtrlWeights weights, Map<String, Double> x, boolean label) {
        Prediction before = predict(weights, x);
        double error = before.probability() - (label ? 1 : 0);
        Map<String, Double> z = weights.getZ();
        Map<String, Double> n = weights.getN();
        for (Map.Entry<String, Double> feature : x.entrySet()) {
            double g = error * feature.getValue();
            if (g == 0) {
                continue;
            }
            String name = feature.getKey();
            double w = weight(weights, name);
            double nBefore = n.getOrDefault(name, 0.0);
            double sigma = (Math.sqrt(nBefore + g * g) - Math.sqrt(nBefore)) / parameters.alpha();
            z.put(name, z.getOrDefault(name, 0.0) + g - sigma * w);
            n.put(name, nBefore + g * g);
        }
        weights.setExamples(weights.getExamples() + 1);
        return before;
    }

    /** The logistic function, without overflow at either end. */
    public static double sigmoid(double logOdds) {
        if (logOdds >= 0) {
            return 1 / (1 + Math.exp(-logOdds));
        }
        double e = Math.exp(logOdds);
        return e / (1 + e);
    }
}
