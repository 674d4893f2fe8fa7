package io.rtprofile.viewer.store;

/** The store cannot be opened, read or written (a RocksDB error, or a store built differently). */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
