package io.rtprofile.jobs.models.quality;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Offline (batch) logistic regression: the baseline an online model is measured against. It fits
 * all examples at once by Newton's method (iteratively reweighted least squares) on
 *
 * <pre>
 * Σ_i logloss(σ(w·x_i), y_i) + (λ/2)·‖w‖²
 * </pre>
 *
 * dense over the features seen in the examples (in name order), which is right for the few features
 * of a propensity model and wrong for millions. There is no implicit intercept: as with {@code
 * FtrlProximal}, a constant feature (value 1) is the intercept, and λ applies to it too. A small λ
 * keeps the fit finite when the classes are separable; at λ = 0 the result is the maximum
 * likelihood estimate.
 *
 * <p>Each step solves (XᵀWX + λI)·d = ∇ by Cholesky and halves d until the objective does not
 * increase; the fit stops when the largest |d_j| is below the tolerance.
 */
public final class BatchLogisticRegression {

    /** The L2 strength λ (on the summed loss), the convergence tolerance and the step budget. */
    public record Parameters(double l2, double tolerance, int maxIterations) {
        public Parameters {
            if (l2 < 0 || !(tolerance > 0) || maxIterations < 1) {
                throw new IllegalArgumentException(
                        "batch logistic regression needs l2 >= 0, tolerance > 0 and"
                                + " maxIterations >= 1; got "
                                + this);
            }
        }

        /** λ = 1e-3, tolerance 1e-8 on the weights, at most 100 Newton steps. */
        public static Parameters defaults() {
            return new Parameters(1e-3, 1e-8, 100);
        }
    }

    /** A fitted model: weights by feature name, and how the fit went. */
    public record Model(Map<String, Double> weights, int iterations, boolean converged) {
        /** The log-odds of {@code x}; features without a weight contribute nothing. */
        public double logOdds(Map<String, Double> x) {
            double z = 0;
            for (Map.Entry<String, Double> feature : x.entrySet()) {
                z += weights.getOrDefault(feature.getKey(), 0.0) * feature.getValue();
            }
            return z;
        }

        /** The probability of a positive label for {@code x}. */
        public double predict(Map<String, Double> x) {
            return sigmoid(logOdds(x));
        }
    }

    private final Parameters parameters;

    public BatchLogisticRegression(Parameters parameters) {
        this.parameters = parameters;
    }

    /**
     * Fits {@code features.get(i)} (name to value) to {@code labels[i]}.
     *
     * @throws IllegalArgumentException if the sizes differ or there are no examples
     */
    public Model fit(List<? extends Map<String, Double>> features, boolean[] labels) {
        int n = features.size();
        if (labels.length != n || n == 0) {
            throw new IllegalArgumentException(
                    "batch logistic regression needs one label per example, at least one; got "
                            + n
                            + " examples, "
                            + labels.length
                            + " labels");
        }
        TreeSet<String> names = new TreeSet<>();
        for (Map<String, Double> x : features) {
            names.addAll(x.keySet());
        }
        List<String> columns = new ArrayList<>(names);
        Map<String, Integer> column = new HashMap<>();
        for (String name : columns) {
            column.put(name, column.size());
        }
        int d = columns.size();
        // Sparse rows: the column indices and values of each example.
        int[][] index = new int[n][];
        double[][] value = new double[n][];
        for (int i = 0; i < n; i++) {
            Map<String, Double> x = features.get(i);
            index[i] = new int[x.size()];
            value[i] = new double[x.size()];
            int k = 0;
            for (Map.Entry<String, Double> f : x.entrySet()) {
                index[i][k] = column.get(f.getKey());
                value[i][k] = f.getValue();
                k++;
            }
        }

        double[] w = new double[d];
        double objective = objective(w, index, value, labels);
        int iterations = 0;
        boolean converged = false;
        while (iterations < parameters.maxIterations() && !converged) {
            iterations++;
            double[] gradient = new double[d];
            double[][] hessian = new double[d][d];
            for (int j = 0; j < d; j++) {
                gradient[j] = parameters.l2() * w[j];
                hessian[j][j] = parameters.l2();
            }
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(w, index[i], value[i]));
                double error = p - (labels[i] ? 1 : 0);
                double curvature = p * (1 - p);
                for (int a = 0; a < index[i].length; a++) {
                    gradient[index[i][a]] += error * value[i][a];
                    for (int b = 0; b < index[i].length; b++) {
                        hessian[index[i][a]][index[i][b]] += curvature * value[i][a] * value[i][b];
                    }
                }
            }
            double[] step = solve(hessian, gradient);
            double largest = 0;
            for (double s : step) {
                largest = Math.max(largest, Math.abs(s));
            }
            // Newton steps can overshoot far from the optimum: halve until no worse.
            double scale = 1;
            double[] next = new double[d];
            double nextObjective;
            while (true) {
                for (int j = 0; j < d; j++) {
                    next[j] = w[j] - scale * step[j];
                }
                nextObjective = objective(next, index, value, labels);
                if (nextObjective <= objective || scale < 1e-10) {
                    break;
                }
                scale /= 2;
            }
            if (nextObjective > objective) {
                // Not even a tiny step improves: stationary up to rounding.
                converged = true;
                break;
            }
            w = next.clone();
            objective = nextObjective;
            converged = largest * scale < parameters.tolerance();
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (int j = 0; j < d; j++) {
            weights.put(columns.get(j), w[j]);
        }
        return new Model(Collections.unmodifiableMap(weights), iterations, converged);
    }

    private double objective(double[] w, int[][] index, double[][] value, boolean[] labels) {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double z = dot(w, index[i], value[i]);
            // log(1 + e^z) − y·z, stable at both ends.
            double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
            sum += softplus - (labels[i] ? z : 0);
        }
        double norm = 0;
        for (double wj : w) {
            norm += wj * wj;
        }
        return sum + parameters.l2() / 2 * norm;
    }

    private static double dot(double[] w, int[] index, double[] value) {
        double z = 0;
        for (int k = 0; k < index.length; k++) {
            z += w[index[k]] * value[k];
        }
        return z;
    }

    /**
     * Solves A·x = b for a symmetric positive (semi-)definite A by Cholesky; a pivot that is not
     * positive (a feature that is zero in every example, at λ = 0) gets a tiny ridge instead.
     */
    static double[] solve(double[][] a, double[] b) {
        int d = b.length;
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    l[i][i] = Math.sqrt(Math.max(sum, 1e-12));
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * y[k];
            }
            y[i] = sum / l[i][i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < d; k++) {
                sum -= l[k][i] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }

    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
