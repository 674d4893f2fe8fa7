package io.rtprofile.jobs.dedup;

import io.rtprofile.schema.ExperienceEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.rtprofile.jobs.testing.SampleEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

/** Deduplication by eventId within a processing-time horizon, enforced by state TTL. */
class EventDeduplicatorTest {

    private static final Duration HORIZON = Duration.ofHours(1);
    private static final long H = HORIZON.toMillis();

    private KeyedOneInputStreamOperatorTestHarness<String, ExperienceEvent, ExperienceEvent>
            harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.setStateTtlProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void duplicateIsDropped() throws Exception {
        process("e-1", "first");
        process("e-2", "other");
        process("e-1", "again");

        assertThat(harness.extractOutputValues())
                .extracting(e -> e.getEventId() + ":" + e.getType())
                .containsExactly("e-1:first", "e-2:other");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void sameEventIdIsAcceptedAgainAfterTheHorizon() throws Exception {
        process("e-1", "first");

        harness.setStateTtlProcessingTime(H - 1);
        process("e-1", "within");
        // Counted from the first sighting: a dropped duplicate does not extend the horizon.
        harness.setStateTtlProcessingTime(H);
        process("e-1", "after");
        harness.setStateTtlProcessingTime(H + 1);
        process("e-1", "right after");

        assertThat(harness.extractOutputValues())
                .extracting(ExperienceEvent::getType)
                .containsExactly("first", "after");
    }

    @Test
    void expiredEntriesAreCleanedUp() throws Exception {
        for (int i = 0; i < 5; i++) {
            process("e-" + i, "first");
        }
        assertThat(harness.numKeyedStateEntries()).isEqualTo(5);

        harness.setStateTtlProcessingTime(H + 1);
        // On the heap backend, every record advances a global state iterator by a few entries and
        // drops the expired ones it passes (RocksDB's compaction filter does it in production):
        // after a handful of records past the horizon, only their own entries are left.
        for (int i = 0; i < 10; i++) {
            process("n-" + i, "later");
        }

        assertThat(harness.numKeyedStateEntries()).isEqualTo(10);
        assertThat(harness.extractOutputValues()).hasSize(15);
        // An expired eventId reads as unseen.
        process("e-0", "again");
        assertThat(harness.extractOutputValues()).hasSize(16);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(11);
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void seenEventIdsSurviveARestore() throws Exception {
        process("e-1", "first");
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.setStateTtlProcessingTime(H - 1);
        harness.initializeState(snapshot);
        harness.open();
        process("e-1", "replayed");
        process("e-2", "new");

        assertThat(harness.extractOutputValues())
                .extracting(ExperienceEvent::getType)
                .containsExactly("new");
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    }

    private void process(String eventId, String marker) throws Exception {
        ExperienceEvent event = event(eventId).type(marker).identity("ecid", "c").build();
        harness.processElement(new StreamRecord<>(event, event.getTimestamp()));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ExperienceEvent, ExperienceEvent>
            newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EventDeduplicator(HORIZON)),
                (KeySelector<ExperienceEvent, String>) ExperienceEvent::getEventId,
                Types.STRING);
    }
}
