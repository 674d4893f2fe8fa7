package io.rtprofile.jobs.testing;

import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.jobs.profile.ProfileKeys;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.CatalogChange;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.internal.SegmentDefinitionChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

import java.util.ArrayList;
import java.util.List;

/**
 * The profile operator in the harness, fed as the identity resolver would feed it when no identity
 * links profiles: an event goes to the profile of its highest-priority identity. Instructions of
 * merges and erasures can be sent as they are.
 */
public final class ProfileBuilderHarness implements AutoCloseable {
    private final KeyedBroadcastOperatorTestHarness<
                    String, ProfileInstruction, CatalogChange, ProfileOutput>
            harness;
    private final List<String> namespaces;

    public ProfileBuilderHarness(ProfileBuilder builder, List<String> namespaces) throws Exception {
        this.namespaces = List.copyOf(namespaces);
        this.harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                builder,
                                List.of(
                                        ProfileBuilder.PUBLISHED_SEGMENTS,
                                        ProfileBuilder.PUBLISHED_MODELS)),
                        ProfileInstruction::getProfileId,
                        Types.STRING,
                        1,
                        1,
                        0);
    }

    /** The instruction that applies {@code event} to the profile of its routing identity. */
    public ProfileInstruction routed(ExperienceEvent event) {
        return ProfileInstruction.newBuilder()
                .setProfileId(
                        ProfileKeys.profileIdFor(ProfileKeys.routingIdentity(event, namespaces)))
                .setEvent(event)
                .build();
    }

    public void open() throws Exception {
        harness.open();
    }

    public void initializeState(OperatorSubtaskState state) throws Exception {
        harness.initializeState(state);
    }

    public OperatorSubtaskState snapshot(long checkpointId, long timestamp) throws Exception {
        return harness.snapshot(checkpointId, timestamp);
    }

    public void processElement(ExperienceEvent event, long timestamp) throws Exception {
        harness.processElement(routed(event), timestamp);
    }

    public void processElement(StreamRecord<ExperienceEvent> record) throws Exception {
        processElement(record.getValue(), record.getTimestamp());
    }

    public void processInstruction(ProfileInstruction instruction, long timestamp)
            throws Exception {
        harness.processElement(instruction, timestamp);
    }

    public void processBroadcastElement(SegmentDefinitionChange change, long timestamp)
            throws Exception {
        harness.processBroadcastElement(new CatalogChange(change, null), timestamp);
    }

    /** A published model version arrives, as the trainer's would. */
    public void publish(Model model, long timestamp) throws Exception {
        harness.processBroadcastElement(new CatalogChange(null, model), timestamp);
    }

    /** The labelled training examples emitted so far, in order. */
    public List<TrainingExample> examples() {
        List<TrainingExample> examples = new ArrayList<>();
        var records = harness.getSideOutput(ProfileBuilder.TRAINING_EXAMPLES);
        if (records != null) {
            records.forEach(r -> examples.add(r.getValue()));
        }
        return examples;
    }

    public void processWatermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    public int numEventTimeTimers() {
        return harness.numEventTimeTimers();
    }

    public int numProcessingTimeTimers() {
        return harness.numProcessingTimeTimers();
    }

    /** The updates emitted so far, in order (tombstones left out). */
    public List<ProfileUpdate> extractOutputValues() {
        return FinalProfiles.updates(outputs());
    }

    /** Everything emitted so far: updates and tombstones. */
    public List<ProfileOutput> outputs() {
        return harness.extractOutputValues();
    }

    /** The absorbed profiles' states sent back to the resolver. */
    public List<ProfileTransfer> transfers() {
        List<ProfileTransfer> transfers = new ArrayList<>();
        var records = harness.getSideOutput(ProfileBuilder.TRANSFERS);
        if (records != null) {
            records.forEach(r -> transfers.add(r.getValue()));
        }
        return transfers;
    }

    public CoBroadcastWithKeyedOperator<String, ProfileInstruction, CatalogChange, ProfileOutput>
            getOperator() {
        return (CoBroadcastWithKeyedOperator<
                        String, ProfileInstruction, CatalogChange, ProfileOutput>)
                harness.getOperator();
    }

    public CoBroadcastWithKeyedOperator<String, ProfileInstruction, CatalogChange, ProfileOutput>
            getTwoInputOperator() {
        return getOperator();
    }

    /** Entries in keyed state over all keys and states (the harness uses the heap backend). */
    public int numKeyedStateEntries() {
        return KeyedStateEntries.count(harness);
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
