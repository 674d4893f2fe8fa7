package io.rtprofile.state;

/** A path that is not a readable savepoint or retained checkpoint; the message says why. */
public final class InvalidSavepointException extends Exception {
    public InvalidSavepointException(String message) {
        super(message);
    }

    public InvalidSavepointException(String message, Throwable cause) {
        super(message, cause);
    }
}
