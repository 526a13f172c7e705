package dev.portcullis.cli;

import java.io.Console;

/**
 * The terminal the CLI runs on, when it runs on one: where a secret's value is typed without
 * echo. The process's own is {@link #system()}; tests pass their own.
 */
public interface Terminal {

    /** Shows the prompt and reads one line without echoing it; null at the end of input. */
    char[] readPassword(String prompt);

    /** The process's terminal (its {@link Console}), or null when stdin and stdout are not a terminal. */
    static Terminal system() {
        Console console = System.console();
        return console == null ? null : prompt -> console.readPassword("%s", prompt);
    }
}
