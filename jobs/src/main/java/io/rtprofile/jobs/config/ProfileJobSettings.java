package io.rtprofile.jobs.config;

import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The validated settings the profile topology needs, read once from the configuration and shipped
 * with the operators (hence {@link Serializable}).
 */
public record ProfileJobSettings(
        List<String> namespaces,
        long maxEventBytes,
        Duration dedupHorizon,
        MergePolicy mergePolicy,
        List<String> sourcePrecedence,
        Duration outOfOrderness,
        Duration sourceIdleness,
        int maxIdentities,
        Duration suppression)
        implements Serializable {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_.-]*");

    public ProfileJobSettings {
        namespaces = List.copyOf(namespaces);
        sourcePrecedence = List.copyOf(sourcePrecedence);
        if (namespaces.isEmpty()) {
            throw invalid(RtProfileOptions.NAMESPACES.key(), "at least one namespace is needed");
        }
        for (String ns : namespaces) {
            if (!NAMESPACE.matcher(ns).matches()) {
                throw invalid(
                        RtProfileOptions.NAMESPACES.key(),
                        "'" + ns + "' is not a namespace name ([a-z][a-z0-9_.-]*)");
            }
        }
        if (new HashSet<>(namespaces).size() != namespaces.size()) {
            throw invalid(RtProfileOptions.NAMESPACES.key(), "namespaces repeat");
        }
        if (maxEventBytes < 64) {
            throw invalid(RtProfileOptions.MAX_EVENT_SIZE.key(), "must be at least 64 bytes");
        }
        if (dedupHorizon.isNegative() || dedupHorizon.isZero()) {
            throw invalid(RtProfileOptions.DEDUP_HORIZON.key(), "must be positive");
        }
        if (outOfOrderness.isNegative()) {
            throw invalid(RtProfileOptions.OUT_OF_ORDERNESS.key(), "must not be negative");
        }
        if (sourceIdleness.isNegative() || sourceIdleness.isZero()) {
            throw invalid(RtProfileOptions.SOURCE_IDLENESS.key(), "must be positive");
        }
        if (maxIdentities < 1) {
            throw invalid(RtProfileOptions.MAX_IDENTITIES.key(), "must be at least 1");
        }
        if (suppression.isNegative()) {
            throw invalid(RtProfileOptions.SUPPRESSION.key(), "must not be negative");
        }
    }

    /** With the identity limits at their defaults. */
    public ProfileJobSettings(
            List<String> namespaces,
            long maxEventBytes,
            Duration dedupHorizon,
            MergePolicy mergePolicy,
            List<String> sourcePrecedence,
            Duration outOfOrderness,
            Duration sourceIdleness) {
        this(
                namespaces,
                maxEventBytes,
                dedupHorizon,
                mergePolicy,
                sourcePrecedence,
                outOfOrderness,
                sourceIdleness,
                RtProfileOptions.MAX_IDENTITIES.defaultValue(),
                RtProfileOptions.SUPPRESSION.defaultValue());
    }

    /** Reads and validates; a bad value fails with the option's key and why. */
    public static ProfileJobSettings from(ReadableConfig config) {
        try {
            return read(config);
        } catch (IllegalConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // Flink's own parse errors name the key: "Could not parse value 'x' for key '...'".
            throw new IllegalConfigurationException("Invalid configuration: " + e.getMessage(), e);
        }
    }

    private static ProfileJobSettings read(ReadableConfig config) {
        return new ProfileJobSettings(
                config.get(RtProfileOptions.NAMESPACES),
                config.get(RtProfileOptions.MAX_EVENT_SIZE).getBytes(),
                config.get(RtProfileOptions.DEDUP_HORIZON),
                config.get(RtProfileOptions.MERGE_POLICY),
                config.get(RtProfileOptions.SOURCE_PRECEDENCE),
                config.get(RtProfileOptions.OUT_OF_ORDERNESS),
                config.get(RtProfileOptions.SOURCE_IDLENESS),
                config.get(RtProfileOptions.MAX_IDENTITIES),
                config.get(RtProfileOptions.SUPPRESSION));
    }

    /** The defaults, for tests and tools. */
    public static ProfileJobSettings defaults() {
        return from(new org.apache.flink.configuration.Configuration());
    }

    private static IllegalConfigurationException invalid(String key, String why) {
        return new IllegalConfigurationException("Invalid setting " + key + ": " + why);
    }
}
