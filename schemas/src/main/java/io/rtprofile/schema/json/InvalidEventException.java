package io.rtprofile.schema.json;

/** An input record is not a valid event; the message is the reason given to the user. */
public final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }
}
