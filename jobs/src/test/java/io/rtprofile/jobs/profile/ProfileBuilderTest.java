package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.ProfileBuilderHarness;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static io.rtprofile.jobs.testing.SampleEvents.id;
import static org.assertj.core.api.Assertions.assertThat;

/** The profile operator: one state entry per profile, versions 1, 2, 3 across restores. */
class ProfileBuilderTest {

    private static final ProfileJobSettings SETTINGS = ProfileJobSettings.defaults();
    private static final String ANN = ProfileKeys.profileIdFor(id("crm", "C-1"));
    private static final String BOB = ProfileKeys.profileIdFor(id("email", "bob@example.org"));

    private ProfileBuilderHarness harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void versionsAreContiguousAndNoOpEventsEmitNothing() throws Exception {
        process(
                event("e-1")
                        .at(T0)
                        .identity("crm", "C-1")
                        .identity("ecid", "c0ffee")
                        .attribute("country", "FR")
                        .build());
        process(
                event("e-2")
                        .at(T0 + 1_000)
                        .identity("crm", "C-1")
                        .attribute("tier", "gold")
                        .build());
        // Nothing new: known identity, a value that loses to the later one.
        process(
                event("e-3")
                        .at(T0 + 500)
                        .identity("crm", "C-1")
                        .attribute("tier", "silver")
                        .build());
        process(
                event("e-4")
                        .at(T0 + 2_000)
                        .identity("crm", "C-1")
                        .attribute("country", "DE")
                        .build());

        List<ProfileUpdate> updates = harness.extractOutputValues();
        assertThat(updates).extracting(ProfileUpdate::getVersion).containsExactly(1L, 2L, 3L);
        assertThat(updates).extracting(ProfileUpdate::getProfileId).containsOnly(ANN);
        assertThat(updates)
                .extracting(ProfileUpdate::getUpdatedAt)
                .containsExactly(T0, T0 + 1_000, T0 + 2_000);
        ProfileUpdate last = updates.get(2);
        assertThat(last.getIdentities()).containsExactly(id("crm", "C-1"), id("ecid", "c0ffee"));
        assertThat(last.getAttributes())
                .containsEntry("country", "DE")
                .containsEntry("tier", "gold");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void eachProfileHasItsOwnStateAndVersions() throws Exception {
        process(event("e-1").identity("crm", "C-1").build());
        process(event("e-2").identity("email", "bob@example.org").build());
        process(
                event("e-3")
                        .at(T0 + 1)
                        .identity("email", "bob@example.org")
                        .identity("ecid", "b")
                        .build());
        process(event("e-4").at(T0 + 1).identity("crm", "C-1").attribute("tier", "gold").build());

        assertThat(harness.extractOutputValues())
                .extracting(u -> u.getProfileId() + "@" + u.getVersion())
                .containsExactly(ANN + "@1", BOB + "@1", BOB + "@2", ANN + "@2");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    }

    @Test
    void firstEventOfAProfileAlwaysEmits() throws Exception {
        process(event("e-1").identity("ecid", "only").build());

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        u -> {
                            assertThat(u.getVersion()).isEqualTo(1);
                            assertThat(u.getIdentities()).containsExactly(id("ecid", "only"));
                            assertThat(u.getAttributes()).isEmpty();
                        });
    }

    @Test
    void restoredOperatorContinuesVersionsWithoutGap() throws Exception {
        process(event("e-1").at(T0).identity("crm", "C-1").attribute("country", "FR").build());
        process(event("e-2").at(T0 + 1).identity("crm", "C-1").attribute("tier", "gold").build());
        process(event("e-3").identity("email", "bob@example.org").build());
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        // A no-op after restore still emits nothing: the restored state knows the profile.
        process(event("e-2").at(T0 + 1).identity("crm", "C-1").attribute("tier", "gold").build());
        process(event("e-4").at(T0 + 2).identity("crm", "C-1").attribute("country", "DE").build());
        process(
                event("e-5")
                        .at(T0 + 2)
                        .identity("email", "bob@example.org")
                        .attribute("vip", true)
                        .build());

        List<ProfileUpdate> updates = harness.extractOutputValues();
        assertThat(updates)
                .extracting(u -> u.getProfileId() + "@" + u.getVersion())
                .containsExactly(ANN + "@3", BOB + "@2");
        assertThat(updates.get(0).getAttributes())
                .containsEntry("country", "DE")
                .containsEntry("tier", "gold");
        assertThat(updates.get(1).getAttributes()).containsEntry("vip", true);
    }

    private void process(ExperienceEvent event) throws Exception {
        harness.processElement(new StreamRecord<>(event, event.getTimestamp()));
    }

    private static ProfileBuilderHarness newHarness() throws Exception {
        return new ProfileBuilderHarness(
                new ProfileBuilder(SETTINGS, SegmentCatalog.empty()), SETTINGS.namespaces());
    }
}
