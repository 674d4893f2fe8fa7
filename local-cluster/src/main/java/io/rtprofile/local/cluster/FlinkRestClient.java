package io.rtprofile.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The part of Flink's REST API (the one the Web UI and {@code flink run} use) that {@code rtprofile
 * cluster} needs: overview, jar upload and run, savepoints, cancel.
 */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;

    public FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Counts of the cluster: {@code taskmanagers}, {@code slots-total}, {@code jobs-running}... */
    public JsonNode overview() {
        return get("/overview");
    }

    /** Whether the REST endpoint answers at all. */
    public boolean reachable() {
        try {
            overview();
            return true;
        } catch (ClusterException e) {
            return false;
        }
    }

    /** Free slots of each registered TaskManager. */
    public List<Integer> taskManagerSlots() {
        List<Integer> free = new ArrayList<>();
        get("/taskmanagers")
                .path("taskmanagers")
                .forEach(tm -> free.add(tm.path("freeSlots").asInt()));
        return free;
    }

    /** Every job the cluster knows: {@code jid}, {@code name}, {@code state}, ... */
    public List<JsonNode> jobs() {
        List<JsonNode> jobs = new ArrayList<>();
        get("/jobs/overview").path("jobs").forEach(jobs::add);
        return jobs;
    }

    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Uploads a jar; returns its id on the cluster. */
    public String uploadJar(Path jar) {
        String boundary = "rtprofile-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(
                    ("--"
                                    + boundary
                                    + "\r\nContent-Disposition: form-data; name=\"jarfile\";"
                                    + " filename=\""
                                    + jar.getFileName()
                                    + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ClusterException("cannot read the job jar " + jar + ": " + e.getMessage(), e);
        }
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build();
        String filename = send(request).path("filename").asText();
        return Path.of(filename).getFileName().toString();
    }

    /**
     * Runs the main class of an uploaded jar on the JobManager (it builds and submits the job graph
     * there); returns the job id.
     */
    public String runJar(
            String jarId, List<String> programArgs, String savepointPath, int parallelism) {
        ObjectNode body = JSON.createObjectNode();
        body.putPOJO("programArgsList", programArgs);
        body.put("parallelism", parallelism);
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
            // A savepoint whose state no operator of the job claims is a mistake to report, not
            // state to drop silently.
            body.put("allowNonRestoredState", false);
        }
        return post("/jars/" + jarId + "/run", body, Duration.ofMinutes(3)).path("jobid").asText();
    }

    public void deleteJar(String jarId) {
        send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/jars/" + jarId))
                        .timeout(Duration.ofSeconds(30))
                        .DELETE()
                        .build());
    }

    /**
     * Triggers a savepoint in canonical format (readable by any state backend and by the state
     * toolkit); with {@code stop}, stops the job when it is taken. Returns the trigger id.
     */
    public String triggerSavepoint(String jobId, String targetDirectory, boolean stop) {
        ObjectNode body = JSON.createObjectNode();
        body.put("formatType", "CANONICAL");
        if (stop) {
            body.put("targetDirectory", targetDirectory);
            body.put("drain", false);
            return post("/jobs/" + jobId + "/stop", body, Duration.ofSeconds(30))
                    .path("request-id")
                    .asText();
        }
        body.put("target-directory", targetDirectory);
        body.put("cancel-job", false);
        return post("/jobs/" + jobId + "/savepoints", body, Duration.ofSeconds(30))
                .path("request-id")
                .asText();
    }

    /** Waits for a savepoint; returns its path. */
    public String awaitSavepoint(String jobId, String triggerId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode result = get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if ("COMPLETED".equals(result.path("status").path("id").asText())) {
                JsonNode operation = result.path("operation");
                if (operation.hasNonNull("location")) {
                    return operation.get("location").asText();
                }
                throw new ClusterException(
                        "savepoint of job "
                                + jobId
                                + " failed: "
                                + firstLine(
                                        operation
                                                .path("failure-cause")
                                                .path("serialized-throwable")
                                                .asText(
                                                        operation
                                                                .path("failure-cause")
                                                                .path("stack-trace")
                                                                .asText("unknown cause"))));
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException(
                        "savepoint of job " + jobId + " not done after " + timeout);
            }
            pause(200);
        }
    }

    /** Cancels a job (without a savepoint; its retained checkpoints stay). */
    public void cancel(String jobId) {
        send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "?mode=cancel"))
                        .timeout(Duration.ofSeconds(30))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    /** Waits until the job is in one of {@code states}; returns the state reached. */
    public String awaitJobState(String jobId, Duration timeout, String... states) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = jobState(jobId);
            for (String wanted : states) {
                if (wanted.equals(state)) {
                    return state;
                }
            }
            if (state.equals("FAILED")) {
                return state;
            }
            pause(200);
        }
        throw new ClusterException(
                "job "
                        + jobId
                        + " is "
                        + state
                        + ", not "
                        + String.join("/", states)
                        + " after "
                        + timeout);
    }

    /** Any GET of the REST API ({@code /jobs/ID/checkpoints}, {@code /taskmanagers}, ...). */
    public JsonNode get(String path) {
        return send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build());
    }

    private JsonNode post(String path, JsonNode body, Duration timeout) {
        try {
            return send(
                    HttpRequest.newBuilder(URI.create(baseUrl + path))
                            .timeout(timeout)
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            JSON.writeValueAsString(body)))
                            .build());
        } catch (IOException e) {
            throw new ClusterException("cannot encode a REST request: " + e.getMessage(), e);
        }
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ClusterException("no Flink cluster answers at " + baseUrl, e);
        } catch (IOException e) {
            throw new ClusterException(
                    "Flink REST call " + request.uri().getPath() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
        JsonNode json;
        try {
            json =
                    response.body().isBlank()
                            ? JSON.createObjectNode()
                            : JSON.readTree(response.body());
        } catch (IOException e) {
            json = JSON.createObjectNode().put("errors", response.body());
        }
        if (response.statusCode() >= 300) {
            throw new ClusterException(
                    "Flink REST "
                            + request.method()
                            + " "
                            + request.uri().getPath()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + errorMessage(json));
        }
        return json;
    }

    /**
     * The useful line of a REST error: Flink answers {@code {"errors": [...]}} with a stack trace
     * in the last element; its innermost cause is what the user has to read.
     */
    static String errorMessage(JsonNode json) {
        JsonNode errors = json.path("errors");
        List<String> texts = new ArrayList<>();
        errors.forEach(e -> texts.add(e.asText()));
        if (texts.isEmpty()) {
            return json.toString();
        }
        String all = String.join("\n", texts);
        String cause = null;
        for (String line : all.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Caused by: ")) {
                cause = trimmed.substring("Caused by: ".length());
            }
        }
        return cause != null ? cause : firstLine(texts.get(0));
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
