package io.rtprofile.jobs.identity;

import io.rtprofile.schema.internal.ProfileTransfer;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The feedback edge of an identity merge: the profile operator sends an absorbed profile's state
 * out, and it comes back in to the identity resolver, which routes it to the survivor. Flink 2.x
 * has no DataStream iterations, so the edge leaves the dataflow: a Kafka topic inside the
 * exactly-once boundary for the job, an in-JVM channel for bounded runs (docs/identity.md).
 */
public interface TransferLoop {

    /** Where transfers come back into the job (feeds the resolver; must not hold event time). */
    DataStream<ProfileTransfer> transfersIn(StreamExecutionEnvironment env);

    /** Where the profile operator's transfers go. */
    void transfersOut(DataStream<ProfileTransfer> transfers);

    /**
     * The resolver's end marker ({@link IdentityResolver#LOOP_END}), written once the events have
     * ended and nothing is in flight: an edge that ends by reading it sends it round.
     */
    void loopEnd(DataStream<ProfileTransfer> marker);

    /**
     * What the resolver tells when no transfer can come any more (its events have ended and every
     * transfer has arrived), so a bounded job can finish; {@code null} for an edge that stays open.
     */
    IdentityResolver.LoopCloser closer();
}
