package io.rtprofile.generator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorConfigTest {

    @Test
    void parsesDurationsAsUsersWriteThem() {
        assertThat(GeneratorConfig.parseDuration("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(GeneratorConfig.parseDuration("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(GeneratorConfig.parseDuration("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GeneratorConfig.parseDuration("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(GeneratorConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GeneratorConfig.parseDuration("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(GeneratorConfig.parseDuration("1d 12h")).isEqualTo(Duration.ofHours(36));
        assertThat(GeneratorConfig.parseDuration("PT36H")).isEqualTo(Duration.ofHours(36));
        assertThat(GeneratorConfig.parseDuration("p1d")).isEqualTo(Duration.ofDays(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "d", "30x", "-1d", "1.5h", "30d!", "PTX"})
    void rejectsOtherDurations(String text) {
        assertThatThrownBy(() -> GeneratorConfig.parseDuration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration");
    }

    @Test
    void validatesItsArguments() {
        Instant start = GeneratorConfig.DEFAULT_START;
        Duration span = GeneratorConfig.DEFAULT_SPAN;
        assertThatThrownBy(() -> new GeneratorConfig(0, 10, 1, start, span))
                .hasMessageContaining("profiles");
        assertThatThrownBy(() -> new GeneratorConfig(10, -1, 1, start, span))
                .hasMessageContaining("events");
        assertThatThrownBy(() -> new GeneratorConfig(10, 10, 1, start, Duration.ZERO))
                .hasMessageContaining("span");
        assertThatThrownBy(
                        () ->
                                new GeneratorConfig(
                                        10, 10, 1, Instant.parse("1969-12-31T00:00:00Z"), span))
                .hasMessageContaining("start");
        assertThatThrownBy(
                        () ->
                                new GeneratorConfig(
                                        10, 10, 1, Instant.parse("9999-12-31T00:00:00Z"), span))
                .hasMessageContaining("start + span");
    }

    @Test
    void defaultsAreFixedSoRunsReproduce() {
        GeneratorConfig config = GeneratorConfig.of(10, 100, 5);
        assertThat(config.start()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(config.end()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void liveFeedAdvancesAtTheRate() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        GeneratorConfig config = GeneratorConfig.live(100, 9, now, 50, Duration.ofMinutes(10));
        assertThat(config.events()).isEqualTo(30_000);
        assertThat(config.start()).isEqualTo(now);
        EventGenerator generator = new EventGenerator(config);
        GeneratedEvent first = generator.nextEvent();
        for (int i = 1; i < 15_000; i++) {
            generator.nextEvent();
        }
        GeneratedEvent middle = generator.nextEvent();
        assertThat(first.timestamp()).isBetween(now, now.plusSeconds(5));
        // The 15,000th event at 50 events per second: about 5 minutes in (give or take half a
        // session, as sessions start on schedule and then run on).
        assertThat(Duration.between(now, middle.timestamp()).toSeconds()).isBetween(270L, 340L);
    }
}
