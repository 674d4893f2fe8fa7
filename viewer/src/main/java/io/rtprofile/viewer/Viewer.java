package io.rtprofile.viewer;

import io.rtprofile.viewer.feed.ProfileUpdatesFeed;
import io.rtprofile.viewer.feed.SegmentNames;
import io.rtprofile.viewer.http.ViewerHttpServer;
import io.rtprofile.viewer.store.ProfileStore;

import java.io.IOException;

/**
 * A running viewer: the store, the feed that fills it from Kafka, and the HTTP service over it.
 * Closing it stops the feed first, so the store closes after its last write.
 */
public final class Viewer implements AutoCloseable {
    private final ProfileStore store;
    private final ProfileUpdatesFeed feed;
    private final ViewerHttpServer http;

    private Viewer(ProfileStore store, ProfileUpdatesFeed feed, ViewerHttpServer http) {
        this.store = store;
        this.feed = feed;
        this.http = http;
    }

    public static Viewer start(ViewerSettings settings) throws IOException {
        ProfileStore store =
                ProfileStore.open(
                        settings.dataDir(),
                        settings.historyBucket().toMillis(),
                        settings.blockCacheBytes());
        SegmentNames names = new SegmentNames();
        ProfileUpdatesFeed feed =
                new ProfileUpdatesFeed(
                        store,
                        settings.bootstrapServers(),
                        settings.topic(),
                        settings.definitionsTopic(),
                        names);
        ViewerHttpServer http;
        try {
            http =
                    new ViewerHttpServer(settings.host(), settings.port(), store, names, feed)
                            .start();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        feed.start();
        return new Viewer(store, feed, http);
    }

    public int port() {
        return http.port();
    }

    public String url() {
        return "http://localhost:" + port() + "/";
    }

    public ProfileStore store() {
        return store;
    }

    public ProfileUpdatesFeed feed() {
        return feed;
    }

    @Override
    public void close() throws InterruptedException {
        http.close();
        feed.close();
        store.close();
    }
}
