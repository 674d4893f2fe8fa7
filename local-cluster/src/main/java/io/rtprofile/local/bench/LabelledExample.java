package io.rtprofile.local.bench;

import java.util.Map;

/**
 * One training or test example of a propensity model: the profile's features at decision time (name
 * to value; no intercept, the benchmark adds it), whether the outcome followed within the horizon,
 * and when the features were taken (epoch millis; examples are learned in this order).
 */
public record LabelledExample(Map<String, Double> features, boolean label, long takenAt) {
    public LabelledExample {
        features = Map.copyOf(features);
    }
}
