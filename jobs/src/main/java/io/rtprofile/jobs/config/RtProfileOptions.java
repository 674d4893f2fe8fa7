package io.rtprofile.jobs.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;

/**
 * Every rtprofile setting, typed. They live in the same configuration file as Flink's own settings
 * ({@code --config F}, YAML); docs/configuration.md is the reference and is checked against this
 * class by a test.
 */
public final class RtProfileOptions {
    private RtProfileOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("rtprofile.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers. Required by the Kafka entry point.");

    public static final ConfigOption<String> EVENTS_TOPIC =
            ConfigOptions.key("rtprofile.topics.events")
                    .stringType()
                    .defaultValue("events")
                    .withDescription("Topic of input events (JSON or Avro single-object).");

    public static final ConfigOption<String> REJECTED_TOPIC =
            ConfigOptions.key("rtprofile.topics.events-rejected")
                    .stringType()
                    .defaultValue("events-rejected")
                    .withDescription("Topic of records that are not valid events, with reasons.");

    public static final ConfigOption<String> PROFILE_UPDATES_TOPIC =
            ConfigOptions.key("rtprofile.topics.profile-updates")
                    .stringType()
                    .defaultValue("profile-updates")
                    .withDescription("Compacted topic of profile updates, key profileId.");

    public static final ConfigOption<String> SEGMENT_DEFINITIONS_TOPIC =
            ConfigOptions.key("rtprofile.topics.segment-definitions")
                    .stringType()
                    .defaultValue("segment-definitions")
                    .withDescription(
                            "Compacted topic of segment definitions, key segment id; a tombstone"
                                    + " removes the segment.");

    public static final ConfigOption<String> PROFILE_TRANSFERS_TOPIC =
            ConfigOptions.key("rtprofile.topics.profile-transfers")
                    .stringType()
                    .defaultValue("profile-transfers")
                    .withDescription(
                            "Internal topic on which the state of an absorbed profile travels to"
                                    + " the survivor of an identity merge (docs/identity.md).");

    public static final ConfigOption<String> IDENTITY_CONFLICTS_TOPIC =
            ConfigOptions.key("rtprofile.topics.identity-conflicts")
                    .stringType()
                    .defaultValue("identity-conflicts")
                    .withDescription(
                            "Topic of identity links refused because they would join two"
                                    + " different crm ids.");

    public static final ConfigOption<String> SEGMENTS_PATH =
            ConfigOptions.key("rtprofile.segments.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A segment definition file or directory in force from the start;"
                                    + " definitions on the topic replace or remove them.");

    public static final ConfigOption<String> MODELS_TOPIC =
            ConfigOptions.key("rtprofile.topics.models")
                    .stringType()
                    .defaultValue("models")
                    .withDescription(
                            "Compacted topic of published model versions, key model id: the"
                                    + " trainer writes them, the profile operator scores with them"
                                    + " (docs/models.md).");

    public static final ConfigOption<String> MODEL_DEFINITIONS_TOPIC =
            ConfigOptions.key("rtprofile.topics.model-definitions")
                    .stringType()
                    .defaultValue("model-definitions")
                    .withDescription(
                            "Compacted topic of model definitions, key model id; a tombstone"
                                    + " removes the model.");

    public static final ConfigOption<String> TRAINING_EXAMPLES_TOPIC =
            ConfigOptions.key("rtprofile.topics.training-examples")
                    .stringType()
                    .defaultValue("training-examples")
                    .withDescription(
                            "Topic of labelled training examples, key model id (delete policy).");

    public static final ConfigOption<String> MODELS_PATH =
            ConfigOptions.key("rtprofile.models.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A model definition file or directory in force from the start;"
                                    + " definitions on the model-definitions topic replace or"
                                    + " remove them.");

    public static final ConfigOption<String> CONSUMER_GROUP =
            ConfigOptions.key("rtprofile.kafka.group-id")
                    .stringType()
                    .defaultValue("rtprofile-profile-job")
                    .withDescription(
                            "Consumer group; offsets are committed on checkpoints for monitoring"
                                    + " only (the job restores its positions from its own state).");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            ConfigOptions.key("rtprofile.kafka.starting-offsets")
                    .enumType(StartingOffsets.class)
                    .defaultValue(StartingOffsets.COMMITTED)
                    .withDescription(
                            "Where a job without state starts reading: COMMITTED (the group's"
                                    + " offsets, else earliest), EARLIEST or LATEST.");

    public static final ConfigOption<Boolean> STOP_AT_LATEST =
            ConfigOptions.key("rtprofile.kafka.stop-at-latest")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Read the events topic up to the offsets that are latest when the job"
                                    + " starts, then finish (backfills, benchmarks). The final"
                                    + " checkpoint commits the last output transactions.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("rtprofile.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("rtprofile-profile-job")
                    .withDescription(
                            "Prefix of the Kafka transactional ids of the job's sinks; each sink"
                                    + " appends its own suffix. Must be unique per job on a cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("rtprofile.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Producer transaction.timeout.ms of the exactly-once sinks. Must not"
                                    + " exceed the broker's transaction.max.timeout.ms (15 min by"
                                    + " default) and must exceed the longest expected"
                                    + " checkpoint-plus-recovery time.");

    public static final ConfigOption<OutputFormat> OUTPUT_FORMAT =
            ConfigOptions.key("rtprofile.output.format")
                    .enumType(OutputFormat.class)
                    .defaultValue(OutputFormat.AVRO)
                    .withDescription("Encoding of profile-updates and events-rejected values.");

    public static final ConfigOption<MemorySize> MAX_EVENT_SIZE =
            ConfigOptions.key("rtprofile.events.max-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("256kb"))
                    .withDescription("Larger input records are rejected as oversized.");

    public static final ConfigOption<List<String>> NAMESPACES =
            ConfigOptions.key("rtprofile.identity.namespaces")
                    .stringType()
                    .asList()
                    .defaultValues("crm", "email", "phone", "ecid")
                    .withDescription(
                            "Known identity namespaces, highest priority first. Events with"
                                    + " another namespace are rejected.");

    public static final ConfigOption<Integer> MAX_IDENTITIES =
            ConfigOptions.key("rtprofile.identity.max-identities")
                    .intType()
                    .defaultValue(50)
                    .withDescription(
                            "The most identities one profile holds; beyond it the least recently"
                                    + " seen identity leaves the profile.");

    public static final ConfigOption<Duration> SUPPRESSION =
            ConfigOptions.key("rtprofile.identity.suppression")
                    .durationType()
                    .defaultValue(Duration.ofDays(30))
                    .withDescription(
                            "After a privacy.delete, events carrying one of the erased identities"
                                    + " with a timestamp up to this long after the deletion are"
                                    + " rejected, so stale pipelines cannot re-create the profile"
                                    + " (event time).");

    public static final ConfigOption<Duration> DEDUP_HORIZON =
            ConfigOptions.key("rtprofile.dedup.horizon")
                    .durationType()
                    .defaultValue(Duration.ofDays(7))
                    .withDescription(
                            "An eventId seen again within this time after its first sighting is"
                                    + " ignored (processing time; state expires after it).");

    public static final ConfigOption<MergePolicy> MERGE_POLICY =
            ConfigOptions.key("rtprofile.merge.policy")
                    .enumType(MergePolicy.class)
                    .defaultValue(MergePolicy.TIMESTAMP)
                    .withDescription("TIMESTAMP or PRECEDENCE (see docs/profiles.md).");

    public static final ConfigOption<List<String>> SOURCE_PRECEDENCE =
            ConfigOptions.key("rtprofile.merge.source-precedence")
                    .stringType()
                    .asList()
                    .defaultValues("crm", "pos", "app", "web")
                    .withDescription(
                            "Sources, most trusted first. PRECEDENCE picks by it; TIMESTAMP breaks"
                                    + " ties with it. Unlisted sources rank below listed ones.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            ConfigOptions.key("rtprofile.events.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How far behind the newest event time an event may arrive and still"
                                    + " be on time: watermarks trail the maximum timestamp by it.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS =
            ConfigOptions.key("rtprofile.events.source-idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A partition without records for this long stops holding back the"
                                    + " watermark.");

    /** Where a job without restored state starts on the events topic. */
    public enum StartingOffsets {
        COMMITTED,
        EARLIEST,
        LATEST
    }
}
