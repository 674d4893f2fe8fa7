package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps one profile per key ({@code profileId}) and emits the whole profile, with the next {@code
 * version}, whenever an event changes what it shows. The state is one Avro record, so adding a
 * field later is a schema evolution that restores old savepoints (docs/upgrades.md).
 */
public final class ProfileBuilder
        extends KeyedProcessFunction<String, ExperienceEvent, ProfileUpdate> {
    private static final long serialVersionUID = 1L;

    private final ProfileMerger merger;
    private transient ValueState<ProfileState> profile;
    private transient Counter updates;

    public ProfileBuilder(ProfileJobSettings settings) {
        this.merger = new ProfileMerger(settings);
    }

    /** The profile state; the state-migration tools read and write it with this descriptor. */
    public static ValueStateDescriptor<ProfileState> profileStateDescriptor() {
        return new ValueStateDescriptor<>("profile", new AvroSerializer<>(ProfileState.class));
    }

    @Override
    public void open(OpenContext openContext) {
        profile = getRuntimeContext().getState(profileStateDescriptor());
        updates = getRuntimeContext().getMetricGroup().counter("profileUpdates");
    }

    @Override
    public void processElement(ExperienceEvent event, Context ctx, Collector<ProfileUpdate> out)
            throws Exception {
        ProfileState current = profile.value();
        if (current == null) {
            current = ProfileMerger.newProfile(ctx.getCurrentKey());
        }
        boolean changed = merger.apply(current, event);
        if (changed) {
            out.collect(merger.nextUpdate(current));
            updates.inc();
        }
        profile.update(current);
    }
}
