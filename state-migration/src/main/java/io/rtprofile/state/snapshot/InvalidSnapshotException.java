package io.rtprofile.state.snapshot;

import java.io.IOException;

/**
 * A snapshot file that cannot be read: for JSON lines the message is {@code file:line: reason}, for
 * Avro {@code file: reason}.
 */
public final class InvalidSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    public InvalidSnapshotException(String message) {
        super(message);
    }

    public InvalidSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
