package io.rtprofile.local.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventDrivenUpdatesTest {

    @Test
    void onlyAnUpdateWithANewerEventTimeThanTheProfilesLastCounts() {
        EventDrivenUpdates updates = new EventDrivenUpdates();
        assertThat(updates.isEventDriven("p1", 1_000)).as("a profile's first update").isTrue();
        assertThat(updates.isEventDriven("p1", 1_000)).as("a re-score, same event time").isFalse();
        assertThat(updates.isEventDriven("p1", 2_000)).isTrue();
        // A late event's update shows an older time than the profile's: not counted, and the
        // profile's newest time stays the reference.
        assertThat(updates.isEventDriven("p1", 1_500)).isFalse();
        assertThat(updates.isEventDriven("p1", 1_800)).isFalse();
        assertThat(updates.isEventDriven("p2", 1_500)).as("another profile").isTrue();
    }
}
