package io.rtprofile.local.load;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class OutputLogTest {

    @Test
    void freshOutputIsTheFirstUpdateOfAnEventSentAfterTheInjection() {
        OutputLog recovery = new OutputLog();
        recovery.updateRead(1_000, 900); // before the fault
        recovery.updateRead(10_500, 4_000); // replayed after the restart: an old event
        recovery.updateRead(11_000, 5_200); // the first event sent after the fault at 5,000
        recovery.updateRead(11_000, 10_900);

        assertThat(recovery.freshOutputAfter(5_000)).isEqualTo(OptionalLong.of(6_000));
        assertThat(recovery.freshOutputAfter(20_000)).isEmpty();
    }

    @Test
    void anUpdateReadBeforeTheInjectionIsNotFreshOutputAfterIt() {
        OutputLog recovery = new OutputLog();
        // Event time a little ahead of the reader's clock (another process's clock).
        recovery.updateRead(4_990, 5_010);
        recovery.updateRead(7_000, 6_500);

        assertThat(recovery.freshOutputAfter(5_000)).isEqualTo(OptionalLong.of(2_000));
    }

    @Test
    void latencyIsBackToNormalAfterTheLastUpdateLaterThanTheWorstBeforeTheFault() {
        OutputLog recovery = new OutputLog();
        recovery.updateRead(1_000, 900); // 100
        recovery.updateRead(2_000, 1_700); // 300
        recovery.updateRead(3_000, 2_800); // 200
        recovery.updateRead(9_000, 1_000); // after the fault at 5,000: 8,000 late
        recovery.updateRead(12_000, 11_000); // still 1,000
        recovery.updateRead(13_000, 12_800); // 200: normal again
        recovery.updateRead(30_000, 20_000); // after the next fault at 25,000

        long[] before = recovery.latencies(0, 5_000);
        assertThat(before).containsExactly(100, 200, 300);
        assertThat(recovery.backToNormal(5_000, 25_000, 300)).isEqualTo(7_000);
        assertThat(recovery.worstLatency(5_000, 25_000)).isEqualTo(OptionalLong.of(8_000));
        // A fault that never made output late.
        assertThat(recovery.backToNormal(12_500, 25_000, 300)).isZero();
        assertThat(recovery.timeline(0, 5_000))
                .startsWith(
                        "     0 s       3 updates, latency p50    0.2 s, max    0.3 s",
                        "     5 s       1 updates, latency p50    8.0 s, max    8.0 s");
    }
}
