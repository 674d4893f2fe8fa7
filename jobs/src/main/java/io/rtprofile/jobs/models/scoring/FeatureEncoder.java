package io.rtprofile.jobs.models.scoring;

import io.rtprofile.jobs.models.definition.ModelDefinition;

import com.google.common.hash.Hashing;
import com.google.common.primitives.UnsignedLong;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns a feature's value into model inputs (docs/models.md, "Features"): a number is capped and
 * scaled, a boolean is 1 or 0, a string is a category hashed into one of the feature's buckets
 * (input {@code name#bucket} = 1), and anything else (no value, a list, a map) is no input. Inputs
 * that are 0 are left out: they neither contribute to a score nor learn.
 */
public final class FeatureEncoder {

    /** The input every example has, with value 1: the model's intercept. */
    public static final String BIAS = "(bias)";

    private FeatureEncoder() {}

    /** What a factor shows for an input: the feature (with its category) and its raw value. */
    public record Shown(String feature, double value) {}

    /**
     * Adds the inputs of {@code feature} with {@code value} to {@code inputs}, and what a factor
     * shows for each to {@code shown}.
     */
    public static void encode(
            ModelDefinition.Feature feature,
            Object value,
            Map<String, Double> inputs,
            Map<String, Shown> shown) {
        String name = feature.name();
        if (value instanceof Boolean b) {
            if (b) {
                inputs.put(name, 1.0);
                shown.put(name, new Shown(name, 1));
            }
            return;
        }
        if (value instanceof CharSequence text) {
            String category = text.toString();
            String input = name + "#" + bucket(category, feature.buckets());
            inputs.put(input, 1.0);
            shown.put(input, new Shown(name + "=" + category, 1));
            return;
        }
        Double number = number(value);
        if (number == null) {
            return;
        }
        double x = number;
        if (feature.cap().isPresent()) {
            double cap = feature.cap().getAsDouble();
            x = Math.max(-cap, Math.min(cap, x));
        }
        if (feature.scale() == ModelDefinition.Scale.LOG) {
            x = Math.signum(x) * Math.log1p(Math.abs(x));
        }
        if (x != 0) {
            inputs.put(name, x);
            shown.put(name, new Shown(name, number));
        }
    }

    /** The bucket of a category: murmur3 (32 bits), stable across JVMs and releases. */
    static int bucket(String category, int buckets) {
        int hash = Hashing.murmur3_32_fixed().hashString(category, StandardCharsets.UTF_8).asInt();
        return Math.floorMod(hash, buckets);
    }

    private static Double number(Object value) {
        double x;
        if (value instanceof Long l) {
            x = l;
        } else if (value instanceof Double d) {
            x = d;
        } else if (value instanceof Integer i) {
            x = i;
        } else if (value instanceof UnsignedLong u) {
            x = u.doubleValue();
        } else {
            return null;
        }
        return Double.isFinite(x) ? x : null;
    }
}
