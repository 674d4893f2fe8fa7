package io.rtprofile.local.demo;

import io.rtprofile.schema.Model;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's line per model version: short, and saying what the version is. */
class DemoTest {

    @Test
    void aVersionSaysWhatItLearnedFrom() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.ROOT);
        try {
            Model model =
                    Model.newBuilder()
                            .setModelId("purchase-propensity")
                            .setVersion(3)
                            .setDefinition("{}")
                            .setPublishedAt(0)
                            .setExamples(3000)
                            .setRecentLogLoss(0.4123)
                            .setRecentPositiveRate(0.21)
                            .build();

            assertThat(Demo.modelLine(model))
                    .isEqualTo(
                            "model purchase-propensity: version 3 after 3,000 examples, recent log"
                                    + " loss 0.412, positive rate 21.0%");
            model.setExamples(0L);
            assertThat(Demo.modelLine(model))
                    .isEqualTo(
                            "model purchase-propensity: version 3, defined, learning from the"
                                    + " first examples");
            model.setDefinition(null);
            assertThat(Demo.modelLine(model))
                    .isEqualTo("model purchase-propensity: removed (version 3)");
        } finally {
            Locale.setDefault(before);
        }
    }
}
