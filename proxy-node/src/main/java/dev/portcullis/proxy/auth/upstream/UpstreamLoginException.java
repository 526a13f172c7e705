package dev.portcullis.proxy.auth.upstream;

/** The upstream could not be reached or refused the login; the message is fit for the client. */
public final class UpstreamLoginException extends RuntimeException {
    public UpstreamLoginException(String message) {
        super(message, null, false, false);
    }
}
