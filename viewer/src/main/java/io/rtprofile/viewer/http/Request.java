package io.rtprofile.viewer.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An API request's path segments (decoded one by one, so ids may contain "/") and parameters. */
final class Request {
    private final List<String> path;
    private final Map<String, String> query;

    private Request(List<String> path, Map<String, String> query) {
        this.path = path;
        this.query = query;
    }

    /** The segments after {@code /api/}. */
    static Request of(URI uri) {
        String raw = uri.getRawPath();
        List<String> segments = new ArrayList<>();
        for (String segment : raw.substring("/api/".length()).split("/", -1)) {
            segments.add(decode(segment));
        }
        while (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1);
        }
        Map<String, String> query = new HashMap<>();
        String rawQuery = uri.getRawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                query.putIfAbsent(name, value);
            }
        }
        return new Request(segments, query);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed percent-encoding in '" + text + "'");
        }
    }

    List<String> path() {
        return path;
    }

    String param(String name) {
        String value = query.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    String required(String name) {
        String value = param(name);
        if (value == null) {
            throw ApiException.badRequest("the parameter '" + name + "' is required");
        }
        return value;
    }

    int intParam(String name, int defaultValue, int min, int max) {
        String value = param(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw ApiException.badRequest(
                "'"
                        + name
                        + "' must be a whole number from "
                        + min
                        + " to "
                        + max
                        + ", not '"
                        + value
                        + "'");
    }

    boolean booleanParam(String name) {
        String value = param(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.badRequest("'" + name + "' must be true or false, not '" + value + "'");
    }

    /** An ISO-8601 instant ({@code 2026-11-01T10:00:00Z}) or epoch milliseconds. */
    Long timeParam(String name) {
        String value = param(name);
        if (value == null) {
            return null;
        }
        try {
            return value.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(value)
                    : Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw ApiException.badRequest(
                    "'"
                            + name
                            + "' must be an ISO-8601 time like 2026-11-01T10:00:00Z, not '"
                            + value
                            + "'");
        }
    }
}
