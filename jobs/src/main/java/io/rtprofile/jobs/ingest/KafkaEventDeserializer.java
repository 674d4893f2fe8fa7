package io.rtprofile.jobs.ingest;

import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses in the source, so that each Kafka partition's watermark comes from its own event times
 * (per-partition watermarking) and an idle partition can be marked idle. Every record yields
 * exactly one {@link IngestedRecord}: an event or a rejection carrying topic, partition and offset.
 */
public final class KafkaEventDeserializer
        implements KafkaRecordDeserializationSchema<IngestedRecord> {
    private static final long serialVersionUID = 1L;

    private final EventParser parser;

    public KafkaEventDeserializer(EventParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestedRecord> out) {
        EventOrigin origin =
                EventOrigin.newBuilder()
                        .setTopic(record.topic())
                        .setPartition(record.partition())
                        .setOffset(record.offset())
                        .build();
        out.collect(parser.parse(record.value(), origin, System.currentTimeMillis()));
    }

    @Override
    public TypeInformation<IngestedRecord> getProducedType() {
        return new AvroTypeInfo<>(IngestedRecord.class);
    }
}
