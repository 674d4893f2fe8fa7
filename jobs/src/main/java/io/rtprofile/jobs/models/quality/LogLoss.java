package io.rtprofile.jobs.models.quality;

/**
 * The mean log loss (binary cross-entropy, natural log) of predicted probabilities against labels.
 * Probabilities are clipped to [{@value #EPSILON}, 1 − {@value #EPSILON}] first, so one confident
 * mistake costs about 34.5 instead of infinity.
 */
public final class LogLoss {
    public static final double EPSILON = 1e-15;

    private LogLoss() {}

    /** The loss of one prediction. */
    public static double of(double probability, boolean label) {
        double p = Math.min(Math.max(probability, EPSILON), 1 - EPSILON);
        return label ? -Math.log(p) : -Math.log1p(-p);
    }

    /**
     * The mean loss of {@code probabilities} for {@code labels}.
     *
     * @throws IllegalArgumentException if the arrays differ in length or are empty
     */
    public static double mean(double[] probabilities, boolean[] labels) {
        if (probabilities.length != labels.length || labels.length == 0) {
            throw new IllegalArgumentException(
                    "log loss needs one label per probability, at least one; got "
                            + probabilities.length
                            + " probabilities, "
                            + labels.length
                            + " labels");
        }
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            sum += of(probabilities[i], labels[i]);
        }
        return sum / labels.length;
    }
}
