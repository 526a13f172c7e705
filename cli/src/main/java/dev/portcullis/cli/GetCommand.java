package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get KIND [NAME] [-o table|yaml|json]}. */
@Command(
        name = "get",
        sortOptions = false,
        description = {
            "List resources of a kind, or show one.",
            "KIND is service (svc), secret, user, group, policy or session, singular or plural.",
            "Secrets are shown without their value: the server never returns it."
        })
final class GetCommand extends ApiCommand {

    enum Format {
        table,
        yaml,
        json
    }

    @Parameters(
            index = "0",
            paramLabel = "KIND",
            converter = Kind.Converter.class,
            description = "service, secret, user, group, policy or session")
    Kind kind;

    @Parameters(index = "1", paramLabel = "NAME", arity = "0..1", description = "one resource; all when absent")
    String name;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (default), yaml or json: yaml and json print the resource as the server sent it")
    Format output;

    @Override
    public Integer call() {
        ApiClient client = client();
        JsonNode answer = name == null ? client.list(kind) : client.get(kind, name);
        if (answer == null) {
            throw new CliException("api-server sent an empty answer");
        }
        switch (output) {
            case json -> out().println(Json.pretty(answer));
            case yaml -> out().print(Json.yaml(answer));
            default -> {
                List<JsonNode> items = name == null ? items(answer) : List.of(answer);
                if (items.isEmpty()) {
                    // on stderr, so that scripts reading stdout see an empty list
                    err().println("No " + kind.plural() + " found.");
                } else {
                    out().print(Tables.render(kind, items, ctx().clock().instant()));
                }
            }
        }
        out().flush();
        return 0;
    }

    /** The list's {@code items}; a bare array is accepted too. */
    static List<JsonNode> items(JsonNode list) {
        JsonNode items = list.isArray() ? list : list.path("items");
        List<JsonNode> out = new ArrayList<>();
        items.forEach(out::add);
        return out;
    }
}
