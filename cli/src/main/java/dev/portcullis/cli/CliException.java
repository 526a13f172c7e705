package dev.portcullis.cli;

/**
 * A failure the user can act on. Its message is printed as the single line
 * {@code error: <message>}; the stack trace only with {@code --verbose}.
 */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
