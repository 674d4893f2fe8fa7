package io.rtprofile.viewer.http;

import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.viewer.feed.ProfileUpdatesFeed;
import io.rtprofile.viewer.feed.SegmentNames;
import io.rtprofile.viewer.store.ProfileStore;
import io.rtprofile.viewer.store.ScoreDistribution;
import io.rtprofile.viewer.store.SearchHit;
import io.rtprofile.viewer.store.SegmentCounts;
import io.rtprofile.viewer.store.SegmentMember;
import io.rtprofile.viewer.store.StoreStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JSON API: what each path answers (docs/viewer.md lists them). */
final class ApiRoutes {
    private static final int MAX_LIMIT = 500;

    /** "email:ann@example.com" in the search box: an identity with its namespace. */
    private static final Pattern NAMESPACED = Pattern.compile("([a-z][a-z0-9_.-]*):(.+)");

    private final ProfileStore store;
    private final SegmentNames names;
    private final ProfileUpdatesFeed feed;

    ApiRoutes(ProfileStore store, SegmentNames names, ProfileUpdatesFeed feed) {
        this.store = store;
        this.names = names;
        this.feed = feed;
    }

    JsonNode answer(Request request) {
        List<String> path = request.path();
        String first = path.isEmpty() ? "" : path.get(0);
        switch (first) {
            case "status":
                expectLength(path, 1);
                return status();
            case "profiles":
                expectLength(path, 2);
                return profile(path.get(1));
            case "identities":
                expectLength(path, 3);
                return byIdentity(path.get(1), path.get(2));
            case "search":
                expectLength(path, 1);
                return search(request);
            case "segments":
                return segments(request, path);
            case "models":
                return models(path);
            default:
                throw ApiException.notFound(
                        "no such API: /api/"
                                + String.join("/", path)
                                + " (there are status, profiles/{id}, identities/{namespace}/{id},"
                                + " search, segments, models)");
        }
    }

    private static void expectLength(List<String> path, int length) {
        if (path.size() != length) {
            throw ApiException.notFound("no such API: /api/" + String.join("/", path));
        }
    }

    private JsonNode status() {
        StoreStatus status = store.status();
        ObjectNode node = ProfileView.JSON.createObjectNode();
        node.put("profiles", status.profiles());
        node.put("updatesApplied", status.updatesApplied());
        node.put("staleSkipped", status.staleSkipped());
        node.put(
                "lastUpdatedAt",
                status.lastUpdatedAt() == null ? null : ProfileView.time(status.lastUpdatedAt()));
        node.put("lag", feed == null ? 0 : feed.lag());
        node.put("feed", feed == null ? "none" : feed.state());
        node.put("undecodable", feed == null ? 0 : feed.undecodable());
        return node;
    }

    private JsonNode profile(String profileId) {
        ProfileUpdate update =
                store.profile(profileId)
                        .orElseThrow(() -> ApiException.notFound("no profile " + profileId));
        return ProfileView.of(update, store.changes(profileId), names);
    }

    private JsonNode byIdentity(String namespace, String id) {
        ProfileUpdate update =
                store.profileByIdentity(namespace, id)
                        .orElseThrow(
                                () ->
                                        ApiException.notFound(
                                                "no profile has the identity "
                                                        + namespace
                                                        + ":"
                                                        + id));
        return ProfileView.of(update, store.changes(update.getProfileId()), names);
    }

    private JsonNode search(Request request) {
        int limit = request.intParam("limit", 20, 1, MAX_LIMIT);
        String attribute = request.param("attribute");
        Map<String, SearchHit> found = new LinkedHashMap<>();
        ObjectNode node = ProfileView.JSON.createObjectNode();
        if (attribute != null) {
            String value = request.required("value");
            boolean prefix = request.booleanParam("prefix");
            node.put("attribute", attribute).put("value", value).put("prefix", prefix);
            addAll(found, store.searchAttribute(attribute, value, prefix, limit + 1), limit + 1);
        } else {
            String q = request.param("q");
            if (q == null || q.isBlank()) {
                throw ApiException.badRequest(
                        "give 'q' (an identity, a profile id or the beginning of an attribute"
                                + " value), or 'attribute' and 'value'");
            }
            q = q.strip();
            node.put("query", q);
            if (store.profile(q).isPresent()) {
                found.put(q, new SearchHit(q, SearchHit.Kind.profileId, "profileId", q));
            }
            Matcher namespaced = NAMESPACED.matcher(q);
            if (namespaced.matches()) {
                addAll(
                        found,
                        store.searchIdentities(namespaced.group(2), namespaced.group(1), limit + 1),
                        limit + 1);
            }
            addAll(found, store.searchIdentities(q, null, limit + 1), limit + 1);
            String lower = q.toLowerCase(Locale.ROOT);
            if (!lower.equals(q)) {
                // Emails are stored lower-cased; other ids are opaque and searched as typed.
                addAll(found, store.searchIdentities(lower, null, limit + 1), limit + 1);
            }
            addAll(found, store.searchValues(q, limit + 1), limit + 1);
        }
        List<SearchHit> hits = new ArrayList<>(found.values());
        boolean truncated = hits.size() > limit;
        ArrayNode results = node.putArray("results");
        for (SearchHit hit : hits.subList(0, Math.min(limit, hits.size()))) {
            Optional<ProfileUpdate> profile = store.profile(hit.profileId());
            if (profile.isEmpty()) {
                continue; // erased between the index read and now
            }
            ObjectNode result = results.addObject();
            result.put("profileId", hit.profileId());
            result.put("label", ProfileView.label(profile.get()));
            result.put("updatedAt", ProfileView.time(profile.get().getUpdatedAt()));
            result.putObject("match")
                    .put("kind", hit.kind().name())
                    .put("field", hit.field())
                    .put("value", hit.value());
        }
        node.put("truncated", truncated);
        return node;
    }

    private static void addAll(Map<String, SearchHit> found, List<SearchHit> hits, int max) {
        for (SearchHit hit : hits) {
            if (found.size() >= max) {
                return;
            }
            found.putIfAbsent(hit.profileId(), hit);
        }
    }

    private JsonNode segments(Request request, List<String> path) {
        if (path.size() == 1) {
            ObjectNode node = ProfileView.JSON.createObjectNode();
            ArrayNode list = node.putArray("segments");
            store.segments().stream()
                    .sorted(Comparator.comparing(SegmentCounts::segmentId))
                    .forEach(s -> list.add(segment(s)));
            return node;
        }
        String segmentId = path.get(1);
        SegmentCounts counts =
                store.segment(segmentId)
                        .orElseThrow(() -> ApiException.notFound("no segment " + segmentId));
        if (path.size() == 2) {
            return segment(counts);
        }
        if (path.size() == 3 && path.get(2).equals("history")) {
            return history(request, segmentId);
        }
        if (path.size() == 3 && path.get(2).equals("members")) {
            return members(request, segmentId);
        }
        throw ApiException.notFound("no such API: /api/" + String.join("/", path));
    }

    private ObjectNode segment(SegmentCounts s) {
        return ProfileView.JSON
                .createObjectNode()
                .put("segmentId", s.segmentId())
                .put("name", names.name(s.segmentId()).orElse(null))
                .put("population", s.population())
                .put("realized", s.realized())
                .put("exited", s.exited());
    }

    private JsonNode history(Request request, String segmentId) {
        String step = request.param("step");
        SegmentHistory.Series series =
                SegmentHistory.of(
                        store.history(segmentId),
                        store.bucketMillis(),
                        request.timeParam("from"),
                        request.timeParam("to"),
                        step == null ? null : SegmentHistory.parseDuration(step, "step"));
        ObjectNode node = ProfileView.JSON.createObjectNode();
        node.put("segmentId", segmentId);
        node.put("step", SegmentHistory.format(series.step()));
        ArrayNode points = node.putArray("points");
        for (SegmentHistory.Point p : series.points()) {
            points.addObject()
                    .put("at", ProfileView.time(p.at()))
                    .put("population", p.population())
                    .put("realized", p.realized())
                    .put("exited", p.exited());
        }
        return node;
    }

    private JsonNode members(Request request, String segmentId) {
        int limit = request.intParam("limit", 50, 1, MAX_LIMIT);
        List<SegmentMember> page = store.members(segmentId, request.param("after"), limit + 1);
        ObjectNode node = ProfileView.JSON.createObjectNode();
        node.put("segmentId", segmentId);
        ArrayNode list = node.putArray("members");
        for (SegmentMember member : page.subList(0, Math.min(limit, page.size()))) {
            ObjectNode m = list.addObject();
            m.put("profileId", member.profileId());
            m.put("since", ProfileView.time(member.since()));
            m.put("label", store.profile(member.profileId()).map(ProfileView::label).orElse(null));
        }
        node.put("next", page.size() > limit ? page.get(limit - 1).profileId() : null);
        return node;
    }

    private JsonNode models(List<String> path) {
        if (path.size() == 1) {
            ObjectNode node = ProfileView.JSON.createObjectNode();
            ArrayNode list = node.putArray("models");
            store.models().stream()
                    .sorted(Comparator.comparing(ScoreDistribution::modelId))
                    .forEach(m -> list.add(model(m)));
            return node;
        }
        expectLength(path, 2);
        String modelId = path.get(1);
        return model(
                store.model(modelId)
                        .orElseThrow(() -> ApiException.notFound("no model " + modelId)));
    }

    private static ObjectNode model(ScoreDistribution m) {
        ObjectNode node = ProfileView.JSON.createObjectNode();
        node.put("modelId", m.modelId());
        node.put("profiles", m.profiles());
        node.put("mean", m.mean());
        ArrayNode buckets = node.putArray("buckets");
        double width = 1.0 / ScoreDistribution.BUCKETS;
        for (int i = 0; i < m.buckets().length; i++) {
            buckets.addObject()
                    .put("from", Math.round(i * width * 1000) / 1000.0)
                    .put("to", Math.round((i + 1) * width * 1000) / 1000.0)
                    .put("count", m.buckets()[i]);
        }
        return node;
    }
}
