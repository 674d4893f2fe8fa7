package io.rtprofile.jobs.models;

import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.internal.ProfileTransfer;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The feedback edge of learning: the trainer's published versions go back to the profile operator
 * that produced the examples. Flink 2.x has no DataStream iterations, so, as for identity merges,
 * the edge leaves the dataflow: the compacted {@code models} topic inside the exactly-once boundary
 * for the job; a bounded run learns first and then replays its versions in event time ({@link
 * ReplayedModelLoop}, docs/models.md).
 */
public interface ModelLoop {

    /** Where published versions come back in (broadcast to profile tasks; holds no event time). */
    DataStream<Model> modelsIn(StreamExecutionEnvironment env);

    /** Where the trainer's versions go. */
    void modelsOut(DataStream<Model> models);

    /**
     * The identity resolver's end marker ({@link IdentityResolver#LOOP_END}), emitted once the
     * events have ended and the transfers edge is quiet: an edge that must be ended by a record (a
     * topic) writes its own marker from it. Nothing by default.
     */
    default void loopEnd(DataStream<ProfileTransfer> marker) {}

    /**
     * What to tell when the profiles' input has ended (bounded runs), so the job can finish; {@code
     * null} for an edge that stays open.
     */
    IdentityResolver.LoopCloser closer();
}
