package dev.portcullis.api.codec;

/** A document that is not a well-formed resource: the message says what and where. */
public class ResourceFormatException extends RuntimeException {
    public ResourceFormatException(String message) {
        super(message);
    }

    public ResourceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
