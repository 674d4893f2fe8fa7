package io.rtprofile.state.snapshot;

import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

import java.util.List;

/**
 * The profile operator's keyed states, through its own descriptors: what the snapshot reader reads
 * under a key and the bootstrap writer writes back, so the two cannot list different ones.
 */
public record ProfileKeyStates(
        ValueState<ProfileState> profile,
        MapState<String, PendingExample> examples,
        ValueState<List<String>> awaited,
        MapState<Long, List<ExperienceEvent>> pending) {

    /** Registering all four also makes a reader visit a key that holds any one of them. */
    public static ProfileKeyStates of(RuntimeContext context) {
        return new ProfileKeyStates(
                context.getState(ProfileBuilder.profileStateDescriptor()),
                context.getMapState(ProfileBuilder.pendingExamplesDescriptor()),
                context.getState(ProfileBuilder.awaitedTransfersDescriptor()),
                context.getMapState(ProfileBuilder.pendingEventsDescriptor()));
    }
}
