package io.rtprofile.schema.json;

import io.rtprofile.schema.Model;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A published model version (topic {@code models}) as JSON: {@code {"modelId":..,"version":3,
 * "publishedAt":"<ISO-8601>" (or, replayed by a bounded run,
 * "inForceFrom"),"examples":..,"recentLogLoss":..,"recentPositiveRate":..,
 * "weights":{..},"scoreQuantiles":[..],"definition":".."}}; a removal has {@code "definition":
 * null} and no weights.
 */
public final class ModelJson {
    private ModelJson() {}

    public static String toJson(Model model) {
        return Json.render(out -> write(out, model));
    }

    static void write(JsonGenerator out, Model model) throws IOException {
        out.writeStartObject();
        out.writeStringField("modelId", model.getModelId());
        out.writeNumberField("version", model.getVersion());
        if (model.getInForceFrom() != Long.MIN_VALUE) {
            // A bounded run's replay: in force after this event time; no processing time.
            out.writeStringField("inForceFrom", Timestamps.format(model.getInForceFrom()));
        } else {
            out.writeStringField("publishedAt", Timestamps.format(model.getPublishedAt()));
        }
        out.writeNumberField("examples", model.getExamples());
        if (model.getRecentLogLoss() != null) {
            out.writeNumberField("recentLogLoss", model.getRecentLogLoss());
        }
        if (model.getRecentPositiveRate() != null) {
            out.writeNumberField("recentPositiveRate", model.getRecentPositiveRate());
        }
        out.writeObjectFieldStart("weights");
        for (Map.Entry<String, Double> w : new TreeMap<>(model.getWeights()).entrySet()) {
            out.writeNumberField(w.getKey(), w.getValue());
        }
        out.writeEndObject();
        out.writeArrayFieldStart("scoreQuantiles");
        for (double q : model.getScoreQuantiles()) {
            out.writeNumber(q);
        }
        out.writeEndArray();
        out.writeStringField("definition", model.getDefinition());
        out.writeEndObject();
    }
}
