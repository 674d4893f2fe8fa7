package io.rtprofile.local.load;

import io.rtprofile.local.load.LatencyWindows.Window;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyWindowsTest {

    @Test
    void percentilesPerWindowAndAfterTheWarmup() {
        LatencyWindows w = new LatencyWindows(0, 1_000, 1_000);
        // Window 0 (warm-up): one slow update. Window 1: latencies 1..1000 ms.
        w.update(500, 0);
        for (int i = 1; i <= 1_000; i++) {
            w.update(1_000 + i - 1, 1_000 + i - 1 - i);
        }
        w.produced(10, 3);
        w.produced(1_500, 2);

        List<Window> windows = w.windows();
        assertThat(windows).hasSize(2);
        assertThat(windows.get(0).updates()).isEqualTo(1);
        assertThat(windows.get(0).produced()).isEqualTo(3);
        assertThat(windows.get(0).p50Millis()).isEqualTo(500);
        Window second = windows.get(1);
        assertThat(second.startSecond()).isEqualTo(1);
        assertThat(second.produced()).isEqualTo(2);
        assertThat(second.updates()).isEqualTo(1_000);
        assertThat(second.p50Millis()).isEqualTo(500);
        assertThat(second.p99Millis()).isEqualTo(990);
        assertThat(second.p999Millis()).isEqualTo(999);
        assertThat(second.maxMillis()).isEqualTo(1_000);

        double[] overall = w.overall();
        assertThat(w.updatesAfterWarmup()).isEqualTo(1_000);
        assertThat(overall[0]).isCloseTo(500, within(0.1));
        assertThat(overall[3]).isEqualTo(1_000);
    }

    @Test
    void anUpdateShowingALaterTimeThanItsReadingCountsAsNoDelay() {
        LatencyWindows w = new LatencyWindows(0, 1_000, 0);
        w.update(100, 400);
        assertThat(w.windows().get(0).maxMillis()).isZero();
        assertThat(LatencyWindows.percentile(new long[0], 0.5)).isNaN();
    }
}
