package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code apply -f FILE}: create or update every resource of a (multi-document) YAML or JSON
 * file, in order. Each one is PUT; a 404 means it does not exist yet, and it is POSTed.
 * A document carrying {@code metadata.resourceVersion} is an optimistic update: the server
 * refuses it (409) if the resource changed since.
 */
@Command(
        name = "apply",
        sortOptions = false,
        description = {
            "Create or update the resources of a YAML or JSON file (several YAML documents separated by ---).",
            "Stops at the first resource the server refuses; the ones before it stay applied."
        })
final class ApplyCommand extends ApiCommand {

    @Option(
            names = {"-f", "--filename"},
            paramLabel = "FILE",
            required = true,
            description = "the file to apply, or - for stdin")
    String file;

    @Override
    public Integer call() {
        String source = "-".equals(file) ? "stdin" : file;
        List<Documents.Doc> docs = Documents.parse(Inputs.read(file, ctx().in()), source);
        for (Documents.Doc d : docs) {
            if (d.kind() == Kind.SESSION) {
                throw new CliException(source + ", " + d.label() + ": a Session cannot be applied,"
                        + " its token would be lost; use 'portcullis create session USER'");
            }
        }
        ApiClient client = client();
        List<String> applied = new ArrayList<>();
        for (Documents.Doc d : docs) {
            String verb;
            try {
                verb = apply(client, d);
            } catch (ApiException e) {
                throw new CliException(
                        d.ref() + " (" + d.label() + "): " + e.getMessage() + progress(applied, docs.size()), e);
            }
            applied.add(d.ref());
            out().println(d.ref() + " " + verb);
            out().flush();
        }
        return 0;
    }

    private static String apply(ApiClient client, Documents.Doc d) {
        JsonNode body = d.body();
        try {
            client.replace(d.kind(), d.name(), body);
            return "configured";
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        client.create(d.kind(), body);
        return "created";
    }

    /** Appended to the error so that a partial apply is obvious from the one error line too. */
    static String progress(List<String> applied, int total) {
        int notAttempted = total - applied.size() - 1;
        if (applied.isEmpty() && notAttempted == 0) {
            return "";
        }
        return " ["
                + (applied.isEmpty() ? "nothing applied before it" : "applied before it: " + String.join(", ", applied))
                + (notAttempted > 0 ? "; " + notAttempted + " not attempted" : "") + "]";
    }
}
