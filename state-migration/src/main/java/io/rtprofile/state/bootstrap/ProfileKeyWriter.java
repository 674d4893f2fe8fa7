package io.rtprofile.state.bootstrap;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.state.snapshot.ProfileKeyStates;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one profile key of the profile operator ({@code Uids.PROFILE_BUILDER}) from a {@link
 * ProfileSnapshot}: its profile, pending examples, awaited transfers, held events and event-time
 * timers, with the operator's own descriptors. A snapshot without engine state (a warehouse export)
 * is seeded by {@link SeededProfiles} first.
 */
public final class ProfileKeyWriter extends KeyedStateBootstrapFunction<String, ProfileSnapshot> {
    private static final long serialVersionUID = 1L;

    private transient ProfileKeyStates states;

    @Override
    public void open(OpenContext openContext) {
        states = ProfileKeyStates.of(getRuntimeContext());
    }

    @Override
    public void processElement(ProfileSnapshot snapshot, Context ctx) throws Exception {
        ProfileEngineState engine =
                snapshot.getEngine() != null
                        ? snapshot.getEngine()
                        : SeededProfiles.engineOf(snapshot.getProfile());
        if (engine.getState() != null) {
            states.profile().update(engine.getState());
        }
        for (Map.Entry<String, PendingExample> e : engine.getPendingExamples().entrySet()) {
            states.examples().put(e.getKey(), e.getValue());
        }
        if (engine.getAwaitedTransfers() != null) {
            states.awaited().update(new ArrayList<>(engine.getAwaitedTransfers()));
        }
        // Held events are kept by timestamp, in the order they arrived within one timestamp.
        Map<Long, List<ExperienceEvent>> byTime = new LinkedHashMap<>();
        for (ExperienceEvent event : engine.getPendingEvents()) {
            byTime.computeIfAbsent(event.getTimestamp(), t -> new ArrayList<>()).add(event);
        }
        for (Map.Entry<Long, List<ExperienceEvent>> e : byTime.entrySet()) {
            states.pending().put(e.getKey(), e.getValue());
        }
        for (long timer : engine.getEventTimers()) {
            ctx.timerService().registerEventTimeTimer(timer);
        }
    }
}
