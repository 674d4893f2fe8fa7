package io.rtprofile.local.bench;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.kafka.KafkaIO;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The benchmark baseline: the profile job's Kafka source and exactly-once sink with nothing in
 * between. The ratio of the profile job's throughput to this one's is what the job's own work
 * costs, independent of how fast this machine's Kafka is.
 */
final class PassThroughJob {
    private PassThroughJob() {}

    static void define(StreamExecutionEnvironment env, Configuration config) {
        String output = config.get(RtProfileOptions.PROFILE_UPDATES_TOPIC);
        env.fromSource(
                        KafkaIO.eventsSourceBuilder(config, new RawValues()).build(),
                        WatermarkStrategy.noWatermarks(),
                        "events")
                .uid("pass-through-source")
                .sinkTo(
                        KafkaIO.exactlyOnceSink(
                                config,
                                "pass-through",
                                (KafkaRecordSerializationSchema<byte[]>)
                                        (value, context, timestamp) ->
                                                new ProducerRecord<>(output, value)))
                .uid("pass-through-sink");
    }

    private static final class RawValues implements KafkaRecordDeserializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<byte[]> out) {
            out.collect(record.value());
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }
}
