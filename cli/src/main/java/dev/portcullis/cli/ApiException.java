package dev.portcullis.cli;

/** api-server answered with an error status; the message is the problem's detail. */
public final class ApiException extends CliException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
