package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.ingest.EventParser;
import io.rtprofile.jobs.ingest.KafkaEventDeserializer;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.SegmentDefinitionChange;

import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The job's Kafka source and exactly-once sinks, built from configuration. The pitfalls handled on
 * purpose: the sinks' transaction timeout is set below the broker's maximum (the producer default
 * of one hour is refused by a default broker); every sink has its own transactional id prefix; the
 * source reads {@code read_committed} so that events from transactional producers are seen only
 * once committed.
 */
public final class KafkaIO {
    private KafkaIO() {}

    public static KafkaSource<IngestedRecord> eventsSource(
            ReadableConfig config, ProfileJobSettings settings) {
        return eventsSourceBuilder(config, new KafkaEventDeserializer(new EventParser(settings)))
                .build();
    }

    /**
     * The events source as configured, with any deserializer: the job's, or a benchmark baseline's
     * that must read exactly as the job does.
     */
    public static <T> KafkaSourceBuilder<T> eventsSourceBuilder(
            ReadableConfig config, KafkaRecordDeserializationSchema<T> deserializer) {
        KafkaSourceBuilder<T> builder = KafkaSource.<T>builder();
        if (config.get(RtProfileOptions.STOP_AT_LATEST)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.setBootstrapServers(bootstrapServers(config))
                .setTopics(config.get(RtProfileOptions.EVENTS_TOPIC))
                .setGroupId(config.get(RtProfileOptions.CONSUMER_GROUP))
                .setStartingOffsets(startingOffsets(config))
                .setDeserializer(deserializer)
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000");
    }

    /**
     * The job's output stream on {@code profile-updates}: updates, and tombstones (null values) for
     * absorbed and erased profiles (see {@link ProfileOutputSerializer}); transactional ids {@code
     * <prefix>-updates}.
     */
    public static KafkaSink<ProfileOutput> profileOutputSink(ReadableConfig config) {
        return exactlyOnceSink(
                config,
                "updates",
                new ProfileOutputSerializer(
                        config.get(RtProfileOptions.PROFILE_UPDATES_TOPIC),
                        config.get(RtProfileOptions.OUTPUT_FORMAT)));
    }

    /** Refused identity links on {@code identity-conflicts}, key eventId. */
    public static KafkaSink<LinkRefusal> linkRefusalsSink(ReadableConfig config) {
        return exactlyOnceSink(
                config,
                "conflicts",
                new LinkRefusalSerializer(
                        config.get(RtProfileOptions.IDENTITY_CONFLICTS_TOPIC),
                        config.get(RtProfileOptions.OUTPUT_FORMAT)));
    }

    public static KafkaSink<RejectedEvent> rejectedSink(ReadableConfig config) {
        OutputFormat format = config.get(RtProfileOptions.OUTPUT_FORMAT);
        return exactlyOnceSink(
                config,
                "rejected",
                new RejectedEventSerializer(config.get(RtProfileOptions.REJECTED_TOPIC), format));
    }

    /** An exactly-once sink with the job's producer settings; {@code sinkName} suffixes the ids. */
    public static <T> KafkaSink<T> exactlyOnceSink(
            ReadableConfig config, String sinkName, KafkaRecordSerializationSchema<T> serializer) {
        return exactlyOnceSinkBuilder(config, sinkName, serializer).build();
    }

    /** {@link #exactlyOnceSink} before {@code build()}, for a sink that needs more settings. */
    public static <T> KafkaSinkBuilder<T> exactlyOnceSinkBuilder(
            ReadableConfig config, String sinkName, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers(config))
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(
                        config.get(RtProfileOptions.TRANSACTIONAL_ID_PREFIX) + "-" + sinkName)
                .setProperty(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(config.get(RtProfileOptions.TRANSACTION_TIMEOUT).toMillis()))
                .setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
    }

    private static OffsetsInitializer startingOffsets(ReadableConfig config) {
        return switch (config.get(RtProfileOptions.STARTING_OFFSETS)) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }

    /** The segment-definitions topic as the job's broadcast input (docs/segments.md). */
    public static KafkaSource<SegmentDefinitionChange> segmentDefinitionsSource(
            ReadableConfig config) {
        return SegmentDefinitionsTopic.source(
                bootstrapServers(config),
                config.get(RtProfileOptions.SEGMENT_DEFINITIONS_TOPIC),
                config.get(RtProfileOptions.CONSUMER_GROUP) + "-segment-definitions",
                config.get(RtProfileOptions.STOP_AT_LATEST));
    }

    public static String bootstrapServers(ReadableConfig config) {
        return config.getOptional(RtProfileOptions.BOOTSTRAP_SERVERS)
                .orElseThrow(
                        () ->
                                new IllegalConfigurationException(
                                        "Missing setting "
                                                + RtProfileOptions.BOOTSTRAP_SERVERS.key()
                                                + ": the Kafka brokers to read events from"));
    }
}
