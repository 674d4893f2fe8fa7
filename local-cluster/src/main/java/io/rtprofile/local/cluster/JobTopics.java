package io.rtprofile.local.cluster;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.local.demo.Demo;

import org.apache.flink.configuration.ConfigOption;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of the job's topics of its own, named {@code <default name>-<suffix>} and configured as
 * {@code cluster start} configures the defaults ({@link Demo#TOPICS}): a fault scenario or a
 * benchmark phase starts from empty topics, so what its checks read is its own alone.
 */
public final class JobTopics {

    /** The job's topic settings, each default name being the key of its configuration. */
    private static final List<ConfigOption<String>> TOPIC_OPTIONS =
            List.of(
                    RtProfileOptions.EVENTS_TOPIC,
                    RtProfileOptions.REJECTED_TOPIC,
                    RtProfileOptions.PROFILE_UPDATES_TOPIC,
                    RtProfileOptions.SEGMENT_DEFINITIONS_TOPIC,
                    RtProfileOptions.PROFILE_TRANSFERS_TOPIC,
                    RtProfileOptions.IDENTITY_CONFLICTS_TOPIC,
                    RtProfileOptions.MODELS_TOPIC,
                    RtProfileOptions.MODEL_DEFINITIONS_TOPIC,
                    RtProfileOptions.TRAINING_EXAMPLES_TOPIC);

    private final String suffix;

    public JobTopics(String suffix) {
        this.suffix = suffix;
    }

    public String name(ConfigOption<String> topic) {
        return topic.defaultValue() + "-" + suffix;
    }

    public String events() {
        return name(RtProfileOptions.EVENTS_TOPIC);
    }

    public String updates() {
        return name(RtProfileOptions.PROFILE_UPDATES_TOPIC);
    }

    public String rejected() {
        return name(RtProfileOptions.REJECTED_TOPIC);
    }

    /** The consumer group of the job's events source: its committed offsets show its progress. */
    public String consumerGroup() {
        return "rtprofile-" + suffix;
    }

    /** Topic name to topic configuration, for {@code LocalCluster.createTopics}. */
    public Map<String, Map<String, String>> topicConfigs() {
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        for (ConfigOption<String> option : TOPIC_OPTIONS) {
            Map<String, String> config = Demo.TOPICS.get(option.defaultValue());
            if (config == null) {
                throw new IllegalStateException(
                        "no topic configuration for " + option.defaultValue());
            }
            configs.put(name(option), config);
        }
        return configs;
    }

    /**
     * The job's settings for these topics: its own consumer group and transactional ids (two
     * scenarios' jobs never fence each other), read from the beginning.
     */
    public Map<String, String> jobSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (ConfigOption<String> option : TOPIC_OPTIONS) {
            settings.put(option.key(), name(option));
        }
        settings.put(RtProfileOptions.CONSUMER_GROUP.key(), consumerGroup());
        settings.put(RtProfileOptions.TRANSACTIONAL_ID_PREFIX.key(), consumerGroup());
        settings.put(
                RtProfileOptions.STARTING_OFFSETS.key(),
                RtProfileOptions.StartingOffsets.EARLIEST.name());
        return settings;
    }
}
