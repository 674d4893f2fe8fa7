package io.rtprofile.local.faults;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultPiecesTest {

    @Test
    void faultsAreNamedAsOnTheCommandLine() {
        assertThat(Fault.parse("taskmanager-kill")).isEqualTo(Fault.TASKMANAGER_KILL);
        assertThatThrownBy(() -> Fault.parse("meteor"))
                .hasMessageContaining("unknown fault 'meteor'")
                .hasMessageContaining("broker-restart");
    }

    @Test
    void aBurstHoldsEveryKindOfBadRecordOnOneLineEach() {
        var burst = BadRecords.burst(0, BadRecords.KINDS, 1_000, 1_790_000_000_000L);
        assertThat(burst).hasSize(BadRecords.KINDS);
        assertThat(burst)
                .allSatisfy(
                        r ->
                                assertThat(new String(r, java.nio.charset.StandardCharsets.UTF_8))
                                        .doesNotContain("\n"));
        // The oversized one is larger than the limit it is made for.
        assertThat(burst.stream().mapToInt(r -> r.length).max().getAsInt()).isGreaterThan(2_000);
    }
}
