package io.rtprofile.jobs.models;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.schema.Model;

import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.List;

/**
 * The models edge of a bounded run's scoring pass: versions already learned (by {@code
 * ModelLearner.replay} over the first pass's examples), each in force from an event time, instead
 * of a live trainer's. They come from a bounded source ({@code fromData}) that gives no watermark
 * but the one at its end: the profile operator cannot move event time, and so applies no event,
 * before it has every version. What the trainer makes in this pass goes nowhere.
 */
public final class ReplayedModelLoop implements ModelLoop {
    private final List<Model> versions;

    public ReplayedModelLoop(List<Model> versions) {
        this.versions = List.copyOf(versions);
    }

    @Override
    public DataStream<Model> modelsIn(StreamExecutionEnvironment env) {
        AvroTypeInfo<Model> type = new AvroTypeInfo<>(Model.class);
        DataStream<Model> source =
                versions.isEmpty()
                        // fromData cannot make an empty stream: one record, filtered out.
                        ? env.fromData(
                                        List.of(
                                                Model.newBuilder()
                                                        .setModelId("")
                                                        .setVersion(0)
                                                        .setPublishedAt(0)
                                                        .build()),
                                        type)
                                .uid(Uids.MODELS_SOURCE)
                                .setParallelism(1)
                                .filter(m -> false)
                                .setParallelism(1)
                                .uid(Uids.MODELS_SOURCE + "-none")
                        // One task: the versions arrive in the order of the list.
                        : env.fromData(versions, type).uid(Uids.MODELS_SOURCE).setParallelism(1);
        return source;
    }

    @Override
    public void modelsOut(DataStream<Model> models) {
        models.sinkTo(new DiscardingSink<>()).uid(Uids.MODELS_SINK).name("models (discarded)");
    }

    @Override
    public IdentityResolver.LoopCloser closer() {
        return null;
    }
}
