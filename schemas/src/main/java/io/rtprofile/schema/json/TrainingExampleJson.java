package io.rtprofile.schema.json;

import io.rtprofile.schema.TrainingExample;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A labelled training example (topic {@code training-examples}, {@code rtprofile run}'s {@code
 * <output>.examples.jsonl}) as JSON: {@code {"modelId":..,"profileId":..,"takenAt":"<ISO-8601>",
 * "labelledAt":"<ISO-8601>","label":true,"outcomeAt":"<ISO-8601>","modelVersion":3,"features":{"(bias)":1.0,..}}},
 * the features in name order.
 */
public final class TrainingExampleJson {
    private TrainingExampleJson() {}

    public static String toJson(TrainingExample example) {
        return Json.render(out -> write(out, example));
    }

    static void write(JsonGenerator out, TrainingExample example) throws IOException {
        out.writeStartObject();
        out.writeStringField("modelId", example.getModelId());
        out.writeStringField("profileId", example.getProfileId());
        out.writeStringField("takenAt", Timestamps.format(example.getTakenAt()));
        out.writeStringField("labelledAt", Timestamps.format(example.getLabelledAt()));
        if (example.getLabel() == null) {
            out.writeNullField("label");
        } else {
            out.writeBooleanField("label", example.getLabel());
        }
        if (example.getOutcomeAt() != null) {
            out.writeStringField("outcomeAt", Timestamps.format(example.getOutcomeAt()));
        }
        out.writeNumberField("modelVersion", example.getModelVersion());
        out.writeObjectFieldStart("features");
        for (Map.Entry<String, Double> f : new TreeMap<>(example.getFeatures()).entrySet()) {
            out.writeNumberField(f.getKey(), f.getValue());
        }
        out.writeEndObject();
        out.writeEndObject();
    }
}
