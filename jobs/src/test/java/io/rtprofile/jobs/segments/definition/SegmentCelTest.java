package io.rtprofile.jobs.segments.definition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentCelTest {

    private final SegmentCel cel = new SegmentCel();

    @Test
    void typeChecksTheExpressionsOfTheContract() throws Exception {
        assertThat(cel.eventPredicate("event.type == \"x\"").ast().isChecked()).isTrue();
        cel.eventPredicate("event.properties.query.contains(\"sneaker\")");
        cel.eventPredicate("has(event.properties.sku) && event.properties.value > 10.0");
        cel.eventValue("event.properties.value");
        cel.profilePredicate("profile.attributes.country == \"FR\"");
        cel.profilePredicate("profile.scores[\"m\"].score > 0.5");
    }

    @Test
    void refusesWhatDoesNotParseOrCheck() {
        assertThatThrownBy(() -> cel.eventPredicate("event.type +"))
                .isInstanceOf(SegmentCel.CelCompileException.class);
        assertThatThrownBy(() -> cel.eventPredicate("profile.attributes.country == \"FR\""))
                .hasMessageContaining("undeclared reference to 'profile'");
        assertThatThrownBy(() -> cel.profilePredicate("1 + 2"))
                .isInstanceOf(SegmentCel.CelCompileException.class);
        assertThatThrownBy(() -> cel.eventPredicate("  ")).hasMessageContaining("empty expression");
    }
}
