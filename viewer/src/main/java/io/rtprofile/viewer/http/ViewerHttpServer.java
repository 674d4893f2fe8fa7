package io.rtprofile.viewer.http;

import io.rtprofile.viewer.feed.ProfileUpdatesFeed;
import io.rtprofile.viewer.feed.SegmentNames;
import io.rtprofile.viewer.store.ProfileStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The viewer's HTTP side: the JSON API under {@code /api/} and the page at {@code /}. The JDK's own
 * server: a lookup is a RocksDB read and a little JSON, so a framework would add weight and nothing
 * a request needs.
 *
 * <p>Errors are JSON ({@code {"error": ..., "status": ...}}): 4xx with a message that says what to
 * change; a failure of ours is a 500 with no stack trace (the log has it).
 */
public final class ViewerHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerHttpServer.class);

    static {
        // The JDK server writes headers and body in separate packets; with Nagle's algorithm on,
        // the body waits for the client's delayed ACK: 40 ms on every response on Linux. Read
        // once, when the JDK's server configuration loads, so it is set before any server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final String ASSETS = "/io/rtprofile/viewer/web/";
    private static final Map<String, String> ASSET_TYPES =
            Map.of(
                    "index.html", "text/html; charset=utf-8",
                    "app.js", "text/javascript; charset=utf-8",
                    "app.css", "text/css; charset=utf-8");

    private final HttpServer server;
    private final ExecutorService workers;
    private final ApiRoutes routes;

    public ViewerHttpServer(
            String host, int port, ProfileStore store, SegmentNames names, ProfileUpdatesFeed feed)
            throws IOException {
        this.routes = new ApiRoutes(store, names, feed);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
        AtomicInteger n = new AtomicInteger();
        this.workers =
                Executors.newFixedThreadPool(
                        8,
                        r -> {
                            Thread t = new Thread(r, "viewer-http-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(workers);
        server.createContext("/api/", this::api);
        server.createContext("/", this::asset);
    }

    public ViewerHttpServer start() {
        server.start();
        return this;
    }

    /** The port it listens on (the one chosen when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!allowed(exchange)) {
                return;
            }
            int status = 200;
            JsonNode body;
            try {
                body = routes.answer(Request.of(exchange.getRequestURI()));
            } catch (ApiException e) {
                status = e.status();
                body = error(status, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("The viewer failed on {}", exchange.getRequestURI(), e);
                status = 500;
                body = error(status, "the viewer failed on this request; its log says why");
            }
            byte[] bytes = ProfileView.JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            send(exchange, status, bytes);
        }
    }

    private static JsonNode error(int status, String message) {
        return ProfileView.JSON.createObjectNode().put("error", message).put("status", status);
    }

    private void asset(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!allowed(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String name = path.equals("/") ? "index.html" : path.substring(1);
            String type = ASSET_TYPES.get(name);
            byte[] bytes = null;
            if (type != null) {
                try (InputStream in = ViewerHttpServer.class.getResourceAsStream(ASSETS + name)) {
                    bytes = in == null ? null : in.readAllBytes();
                }
            }
            if (bytes == null) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                send(exchange, 404, ("Not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            send(exchange, 200, bytes);
        }
    }

    /** GET and HEAD only: the viewer reads, it never changes anything. */
    private static boolean allowed(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        send(
                exchange,
                405,
                ProfileView.JSON.writeValueAsBytes(
                        error(405, "the viewer only reads: use GET, not " + method)));
        return false;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
