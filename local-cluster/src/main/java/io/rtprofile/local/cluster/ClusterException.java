package io.rtprofile.local.cluster;

/** A cluster operation that could not be done, with a message fit for one line of the CLI. */
public final class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
