package io.rtprofile.jobs.identity;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileTransfer;

import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs the {@link IdentityResolver} and tells it when its events input has ended. A bounded run's
 * feedback edge stays open while transfers are in flight; only the resolver knows when none can
 * come any more (the events have ended and every absorbed profile's state has arrived), and a
 * process function never hears about the end of one of its inputs.
 */
public final class IdentityResolverOperator
        extends KeyedCoProcessOperator<String, ExperienceEvent, ProfileTransfer, ProfileInstruction>
        implements BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    public IdentityResolverOperator(IdentityResolver resolver) {
        super(resolver);
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            setCurrentKey(IdentityResolver.GRAPH);
            ((IdentityResolver) getUserFunction())
                    .eventsEnded(
                            marker ->
                                    output.collect(
                                            IdentityResolver.LOOP_END, new StreamRecord<>(marker)));
        }
    }
}
