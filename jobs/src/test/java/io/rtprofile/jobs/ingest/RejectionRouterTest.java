package io.rtprofile.jobs.ingest;

import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static io.rtprofile.jobs.testing.SampleEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

/** Valid events go on; rejections go to the side output. */
class RejectionRouterTest {

    @Test
    void eventsGoOnAndRejectionsGoToTheSideOutput() throws Exception {
        ExperienceEvent first = event("e-1").identity("ecid", "c").build();
        ExperienceEvent second = event("e-2").identity("ecid", "c").build();
        RejectedEvent rejection =
                new RejectedEvent(
                        "not valid JSON: x",
                        ByteBuffer.wrap(new byte[] {'{'}),
                        EventOrigin.newBuilder()
                                .setTopic("events")
                                .setPartition(0)
                                .setOffset(3L)
                                .build(),
                        42L);

        try (OneInputStreamOperatorTestHarness<IngestedRecord, ExperienceEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new RejectionRouter())) {
            harness.processElement(new StreamRecord<>(new IngestedRecord(first, null), 10L));
            harness.processElement(new StreamRecord<>(new IngestedRecord(null, rejection), 11L));
            harness.processElement(new StreamRecord<>(new IngestedRecord(second, null), 12L));

            assertThat(harness.extractOutputValues()).containsExactly(first, second);
            assertThat(harness.extractOutputStreamRecords())
                    .extracting(StreamRecord::getTimestamp)
                    .containsExactly(10L, 12L);
            assertThat(harness.getSideOutput(RejectionRouter.REJECTED))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(rejection);
        }
    }

    @Test
    void nothingGoesToTheSideOutputWithoutRejections() throws Exception {
        try (OneInputStreamOperatorTestHarness<IngestedRecord, ExperienceEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new RejectionRouter())) {
            harness.processElement(
                    new StreamRecord<>(
                            new IngestedRecord(event("e-1").identity("ecid", "c").build(), null),
                            1L));

            assertThat(harness.getSideOutput(RejectionRouter.REJECTED)).isNullOrEmpty();
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void sideOutputIsNamedForTheRejectedTopic() {
        assertThat(RejectionRouter.REJECTED.getId()).isEqualTo("events-rejected");
        assertThat(List.of(RejectionRouter.REJECTED.getTypeInfo().getTypeClass()))
                .containsExactly(RejectedEvent.class);
    }
}
