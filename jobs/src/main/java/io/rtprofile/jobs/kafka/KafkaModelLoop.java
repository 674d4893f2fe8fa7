package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.jobs.models.ModelLoop;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.internal.ProfileTransfer;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's feedback edge of learning: the {@code models} topic, written by an exactly-once sink
 * and read {@code read_committed} (see {@link ModelsTopic}). A version becomes visible when the
 * checkpoint that covers the trainer's state after publishing it completes; the profile operator
 * picks it up a moment later, so a model version reaches scores about one checkpoint interval after
 * the trainer made it.
 *
 * <p>A job that stops at the latest events ({@code rtprofile.kafka.stop-at-latest}) also stops
 * reading this topic: when the identity resolver ends the transfers edge, an end marker is written
 * here too (own sink, own transactional ids), and the source ends when it reads it. Versions the
 * trainer publishes after that are still written, and reach no profile of this run.
 */
public final class KafkaModelLoop implements ModelLoop {
    private final ReadableConfig config;

    public KafkaModelLoop(ReadableConfig config) {
        this.config = config;
    }

    private boolean stopsAtLatest() {
        return config.get(RtProfileOptions.STOP_AT_LATEST);
    }

    @Override
    public DataStream<Model> modelsIn(StreamExecutionEnvironment env) {
        Source<Model, ?, ?> source = ModelsTopic.source(config);
        if (stopsAtLatest()) {
            source = endMarked(source);
        }
        return env.fromSource(source, ModelsTopic.watermarks(), "models")
                .uid(Uids.MODELS_SOURCE)
                // One reader: the topic is small, and the end marker then ends the whole input.
                .setParallelism(1);
    }

    private static <S extends SourceSplit, E> Source<Model, S, E> endMarked(
            Source<Model, S, E> source) {
        return new EndMarkedSource<>(
                source, new AvroTypeInfo<>(Model.class), ModelsTopic::isEndMarker);
    }

    @Override
    public void modelsOut(DataStream<Model> models) {
        models.sinkTo(ModelsTopic.sink(config, "models"))
                .uid(Uids.MODELS_SINK)
                .name("models")
                // As the trainer: one task publishes, one transactional producer writes. It is
                // chained to the trainer, so its state has the trainer's max parallelism (1) in
                // every savepoint: breaking that chain would make them unrestorable.
                .setParallelism(1);
    }

    @Override
    public void loopEnd(DataStream<ProfileTransfer> marker) {
        if (stopsAtLatest()) {
            marker.map(t -> ModelsTopic.endMarker(), new AvroTypeInfo<>(Model.class))
                    .uid(Uids.MODELS_END_MARKER)
                    .name("models end marker")
                    .setParallelism(1)
                    .sinkTo(ModelsTopic.sink(config, "models-end"))
                    .uid(Uids.MODELS_END_SINK)
                    .name("models end marker")
                    .setParallelism(1);
        }
    }

    @Override
    public IdentityResolver.LoopCloser closer() {
        return null; // the topic is not closed from here; see loopEnd
    }
}
