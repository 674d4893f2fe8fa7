package io.rtprofile.viewer.store;

/**
 * A profile found by search, and what matched: an identity ({@code field} is its namespace), an
 * attribute ({@code field} is its name) or the profile id itself.
 */
public record SearchHit(String profileId, Kind kind, String field, String value) {
    /** What a search matched. */
    public enum Kind {
        identity,
        attribute,
        profileId
    }
}
