package dev.portcullis.audit.search;

/** A search parameter the caller got wrong; the message names it and says what is expected. */
public class InvalidSearchException extends RuntimeException {
    public InvalidSearchException(String message) {
        super(message);
    }
}
