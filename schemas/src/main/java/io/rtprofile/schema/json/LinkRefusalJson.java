package io.rtprofile.schema.json;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.LinkRefusal;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * A refused identity link (topic {@code identity-conflicts}) as JSON: {@code
 * {"eventId":..,"timestamp":"<ISO-8601>","identities":[{"namespace":..,"id":..}],
 * "crmIds":[..],"profileIds":[..],"routedTo":..}}.
 */
public final class LinkRefusalJson {
    private LinkRefusalJson() {}

    public static String toJson(LinkRefusal refusal) {
        return Json.render(out -> write(out, refusal));
    }

    static void write(JsonGenerator out, LinkRefusal refusal) throws IOException {
        out.writeStartObject();
        out.writeStringField("eventId", refusal.getEventId());
        out.writeStringField("timestamp", Timestamps.format(refusal.getTimestamp()));
        out.writeArrayFieldStart("identities");
        for (Identity identity : refusal.getIdentities()) {
            EventJson.writeIdentity(out, identity);
        }
        out.writeEndArray();
        out.writeArrayFieldStart("crmIds");
        for (String crmId : refusal.getCrmIds()) {
            out.writeString(crmId);
        }
        out.writeEndArray();
        out.writeArrayFieldStart("profileIds");
        for (String profileId : refusal.getProfileIds()) {
            out.writeString(profileId);
        }
        out.writeEndArray();
        out.writeStringField("routedTo", refusal.getRoutedTo());
        out.writeEndObject();
    }
}
