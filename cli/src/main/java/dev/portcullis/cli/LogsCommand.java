package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code logs}: access-log events from audit-collector, one line each; {@code -f} follows the
 * live tail until interrupted, reconnecting if the collector restarts.
 */
@Command(
        name = "logs",
        sortOptions = false,
        description = {
            "Show access-log events from audit-collector, oldest first, one line each.",
            "Filters combine with AND; a filter given several times (or with commas) matches any of its values.",
            "Times are RFC 3339 (2026-11-27T12:00:00Z) or a duration ago (10m, 2h, 1h30m, 7d)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  portcullis logs --since 1h --user alice",
            "  portcullis logs -f --service pg-db --type QUERY,PARSE",
            "  portcullis logs --text 'drop table' --limit 20 -o json"
        })
final class LogsCommand implements Callable<Integer> {
    enum Format {
        text,
        json
    }

    @Mixin
    LogFilters filters;

    @Option(
            names = {"-f", "--follow"},
            order = 1,
            description = "keep printing new events as they are indexed, until interrupted (Ctrl-C)")
    boolean follow;

    @Option(
            names = "--limit",
            paramLabel = "N",
            order = 10,
            description = "only the N most recent matches (still printed oldest first); with -f, then follow")
    Integer limit;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            order = 11,
            description = "text (default): one readable line per event; json: each event's JSON on one line")
    Format output;

    @Option(
            names = "--audit-server",
            paramLabel = "URL",
            order = 12,
            description = "audit-collector base URL (env PORTCULLIS_AUDIT_SERVER, config audit-server;"
                    + " default http://127.0.0.1:8082)")
    String auditServer;

    @Spec
    CommandSpec spec;

    private static final int PAGE_MAX = 1000;
    private static final Duration SILENCE_LIMIT = Duration.ofSeconds(45);

    private PortcullisCommand root() {
        return (PortcullisCommand) spec.root().userObject();
    }

    @Override
    public Integer call() {
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
        CliContext ctx = root().context();
        Instant now = ctx.clock().instant();
        Map<String, List<String>> params = filters.params(now);
        AuditClient client = client();
        LogPrinter printer = new LogPrinter(ctx.out(), output == Format.json);
        if (!follow) {
            if (limit == null) {
                printAll(client, params, printer);
            } else {
                printLatest(client, params, limit, printer);
            }
            return 0;
        }
        LogFollower follower =
                new LogFollower(client, params, filters.untilInstant(now), printer, ctx.err(), ctx.clock());
        if (limit != null && !params.containsKey("since")) {
            // the tail picks up where the listing ended: from its newest event (or from now), no repeats
            List<JsonNode> listed = printLatest(client, params, limit, printer);
            follower.continueAfter(listed, now);
        }
        follower.run();
        return 0;
    }

    private AuditClient client() {
        PortcullisCommand root = root();
        ConnectionSettings s = root.settings();
        URI server = auditServer != null
                ? ConnectionSettings.parseUrl("audit-server", auditServer.trim(), "--audit-server")
                : s.auditServer();
        if (root.verbose()) {
            root.context().err().println("# audit-collector " + server);
        }
        return new AuditClient(
                server, s.requireToken(), root.verbose() ? root.context().err() : null, SILENCE_LIMIT);
    }

    /** Every match, oldest first, a page at a time (printed as each page arrives). */
    private static void printAll(AuditClient client, Map<String, List<String>> params, LogPrinter printer) {
        String cursor = null;
        do {
            Map<String, List<String>> p = new LinkedHashMap<>(params);
            p.put("limit", List.of(String.valueOf(PAGE_MAX)));
            if (cursor != null) {
                p.put("cursor", List.of(cursor));
            }
            JsonNode page = client.page(p);
            page.path("items").forEach(printer::print);
            cursor = page.path("nextCursor").isTextual()
                    ? page.path("nextCursor").asText()
                    : null;
        } while (cursor != null);
    }

    /** The newest {@code n} matches, read newest first, printed (and returned) oldest first. */
    private static List<JsonNode> printLatest(
            AuditClient client, Map<String, List<String>> params, int n, LogPrinter printer) {
        List<JsonNode> newestFirst = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, List<String>> p = new LinkedHashMap<>(params);
            p.put("order", List.of("desc"));
            p.put("limit", List.of(String.valueOf(Math.min(PAGE_MAX, n - newestFirst.size()))));
            if (cursor != null) {
                p.put("cursor", List.of(cursor));
            }
            JsonNode page = client.page(p);
            page.path("items").forEach(newestFirst::add);
            cursor = page.path("nextCursor").isTextual()
                    ? page.path("nextCursor").asText()
                    : null;
        } while (cursor != null && newestFirst.size() < n);
        Collections.reverse(newestFirst);
        newestFirst.forEach(printer::print);
        return newestFirst;
    }
}
