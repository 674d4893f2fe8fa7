package io.rtprofile.viewer.http;

import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.viewer.feed.SegmentNames;
import io.rtprofile.viewer.store.ProfileStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.rtprofile.viewer.ProfileUpdates.T0;
import static io.rtprofile.viewer.ProfileUpdates.profile;
import static org.assertj.core.api.Assertions.assertThat;

/** The API over a store filled directly: what each path answers, and how it refuses. */
class ViewerHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir static Path dir;
    private static ProfileStore store;
    private static ViewerHttpServer server;

    @BeforeAll
    static void start() throws Exception {
        store = ProfileStore.open(dir, 60_000L, 8 << 20);
        store.apply(
                "profile-updates",
                List.of(
                        new ProfileStore.Incoming(
                                "p-ann",
                                profile("p-ann", 1, T0)
                                        .identity("email", "ann@example.com")
                                        .identity("crm", "C/42")
                                        .attribute("country", "FR", "web", T0 - 5000)
                                        .segment("sneaker-searchers", SegmentStatus.realized, T0)
                                        .score("purchase-propensity", 0.73)
                                        .build()),
                        new ProfileStore.Incoming(
                                "p-bob",
                                profile("p-bob", 1, T0 + 60_000)
                                        .identity("phone", "+33600000000")
                                        .attribute("country", "FR", "pos", T0)
                                        .segment(
                                                "sneaker-searchers",
                                                SegmentStatus.realized,
                                                T0 + 60_000)
                                        .build())),
                Map.of(0, 2L));
        SegmentNames names = new SegmentNames();
        names.accept(
                "sneaker-searchers".getBytes(StandardCharsets.UTF_8),
                "id: sneaker-searchers\nname: Searched sneakers\ncondition: {}\n"
                        .getBytes(StandardCharsets.UTF_8));
        server = new ViewerHttpServer("localhost", 0, store, names, null).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void aProfileByIdAndByAnyIdentityShowsOriginsNamesAndChanges() throws Exception {
        JsonNode byId = json("/api/profiles/p-ann");
        // An id with a slash, percent-encoded in the path.
        JsonNode byCrm = json("/api/identities/crm/C%2F42");
        JsonNode byEmail = json("/api/identities/email/ann%40example.com");

        assertThat(byCrm).isEqualTo(byId);
        assertThat(byEmail).isEqualTo(byId);
        assertThat(byId.at("/attributes/country/value").asText()).isEqualTo("FR");
        assertThat(byId.at("/attributes/country/source").asText()).isEqualTo("web");
        assertThat(byId.at("/attributes/country/at").asText()).isEqualTo("2026-11-01T09:59:55Z");
        assertThat(byId.at("/segments/sneaker-searchers/name").asText())
                .isEqualTo("Searched sneakers");
        assertThat(byId.at("/scores/purchase-propensity/factors/0/feature").asText())
                .isEqualTo("visits_7d");
        assertThat(byId.at("/changes/0/segments/0/status").asText()).isEqualTo("realized");
    }

    @Test
    void searchFindsIdentitiesValuesAndProfileIds() throws Exception {
        assertThat(json("/api/search?q=ANN%40").at("/results/0/label").asText())
                .isEqualTo("email:ann@example.com");
        // A '+' is a plus, not a space.
        assertThat(json("/api/search?q=+336").at("/results/0/profileId").asText())
                .isEqualTo("p-bob");
        assertThat(json("/api/search?q=email:ann").at("/results/0/match/kind").asText())
                .isEqualTo("identity");
        assertThat(json("/api/search?q=p-bob").at("/results/0/match/kind").asText())
                .isEqualTo("profileId");
        JsonNode fr = json("/api/search?attribute=country&value=fr&limit=1");
        assertThat(fr.get("results")).hasSize(1);
        assertThat(fr.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void segmentsShowCountsHistoryAndMembers() throws Exception {
        JsonNode segment = json("/api/segments/sneaker-searchers");
        assertThat(segment.get("population").asLong()).isEqualTo(2);
        assertThat(segment.get("realized").asLong()).isEqualTo(2);
        assertThat(json("/api/segments").at("/segments/0/name").asText())
                .isEqualTo("Searched sneakers");

        JsonNode history = json("/api/segments/sneaker-searchers/history");
        assertThat(history.get("step").asText()).isEqualTo("1m");
        assertThat(history.at("/points/0/population").asLong()).isEqualTo(1);
        assertThat(history.at("/points/1/population").asLong()).isEqualTo(2);

        JsonNode page = json("/api/segments/sneaker-searchers/members?limit=1");
        assertThat(page.at("/members/0/profileId").asText()).isEqualTo("p-ann");
        assertThat(page.get("next").asText()).isEqualTo("p-ann");
        JsonNode last = json("/api/segments/sneaker-searchers/members?limit=1&after=p-ann");
        assertThat(last.at("/members/0/label").asText()).isEqualTo("phone:+33600000000");
        assertThat(last.get("next").isNull()).isTrue();
    }

    @Test
    void modelsShowTheirDistribution() throws Exception {
        JsonNode model = json("/api/models/purchase-propensity");
        assertThat(model.get("profiles").asLong()).isEqualTo(1);
        assertThat(model.get("buckets")).hasSize(20);
        assertThat(model.at("/buckets/14/count").asLong()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/profiles/p-nobody|404|no profile p-nobody",
                "/api/identities/email/nobody%40example.com|404|no profile has the identity",
                "/api/search|400|give 'q'",
                "/api/search?q=a&limit=0|400|'limit' must be a whole number from 1 to 500",
                "/api/search?attribute=country|400|'value' is required",
                "/api/segments/nope|404|no segment nope",
                "/api/segments/sneaker-searchers/history?step=5x|400|'step' must be a duration",
                "/api/segments/sneaker-searchers/history?step=30s|400|multiple of the store's history bucket (1m)",
                "/api/segments/sneaker-searchers/history?from=yesterday|400|ISO-8601",
                "/api/models/nope|404|no model nope",
                "/api/nothing|404|no such API",
                "/api/search?attribute=country&value=fr&prefix=maybe|400|'prefix' must be true or false",
            })
    void badRequestsGetAClearMessageAndNoStackTrace(String path, int status, String message)
            throws Exception {
        HttpResponse<String> response = get(path);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/json; charset=utf-8");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).contains(message);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void theViewerOnlyReads() throws Exception {
        HttpResponse<String> response =
                CLIENT.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://localhost:"
                                                        + server.port()
                                                        + "/api/profiles/p-ann"))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void thePageAndItsAssetsAreServed() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("app.js");
        assertThat(get("/app.js").headers().firstValue("Content-Type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(get("/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get("/nothing.html").statusCode()).isEqualTo(404);
    }
}
