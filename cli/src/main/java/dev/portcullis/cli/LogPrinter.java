package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Prints events as readable lines or as one-line JSON, flushing each so that pipes see them at once. */
final class LogPrinter {
    private final PrintWriter out;
    private final boolean json;

    LogPrinter(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    void print(JsonNode event) {
        out.println(json ? Json.compact(event) : LogLine.format(event));
        out.flush();
    }
}
