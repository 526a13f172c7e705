package dev.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code create secret|user|group|policy|session}: shortcuts that build the document for you. */
@Command(
        name = "create",
        description = "Create a resource from command-line arguments (use apply for whole documents).",
        subcommands = {
            CreateCommand.Secret.class,
            CreateCommand.User.class,
            CreateCommand.Group.class,
            CreateCommand.Policy.class,
            CreateCommand.Session.class
        })
final class CreateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing kind: secret, user, group, policy or session");
    }

    @Command(
            name = "secret",
            description = {
                "Create a Secret. Without --value or --file, the value is read from",
                "the terminal without echo, or else from stdin (one trailing newline removed).",
                "The value is never printed. To change an existing one, use 'portcullis update secret'."
            })
    static final class Secret extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        SecretValue value;

        @Override
        public Integer call() {
            ApiClient client = client();
            String v = value.read(ctx(), name);
            try {
                client.create(Kind.SECRET, Bodies.secret(name, v));
            } catch (ApiException e) {
                if (e.status() == 409) {
                    throw new CliException(
                            e.getMessage() + " (to rotate it: portcullis update secret " + name + ")", e);
                }
                throw e;
            }
            out().println("secret/" + name + " created");
            return 0;
        }
    }

    @Command(name = "user", description = "Create a User, optionally in groups.")
    static final class User extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(
                names = {"-g", "--group"},
                paramLabel = "GROUP",
                split = ",",
                description = "a group of the user; repeat it or separate with commas")
        List<String> groups = new ArrayList<>();

        @Option(names = "--email", paramLabel = "EMAIL")
        String email;

        @Override
        public Integer call() {
            ObjectNode body = Bodies.resource(Kind.USER, name);
            ObjectNode specNode = body.putObject("spec");
            ArrayNode g = specNode.putArray("groups");
            groups.stream()
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .distinct()
                    .forEach(g::add);
            if (email != null) {
                specNode.put("email", email);
            }
            client().create(Kind.USER, body);
            out().println("user/" + name + " created");
            return 0;
        }
    }

    @Command(name = "group", description = "Create a Group.")
    static final class Group extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            ObjectNode body = Bodies.resource(Kind.GROUP, name);
            body.putObject("spec");
            client().create(Kind.GROUP, body);
            out().println("group/" + name + " created");
            return 0;
        }
    }

    @Command(
            name = "policy",
            description = {
                "Create a Policy from a file holding its rules: either a whole Policy",
                "document (its spec is used) or just the spec, e.g.",
                "  rules:",
                "    - effect: ALLOW",
                "      condition: {match: '\"dev\" in ctx.user.spec.groups'}"
            })
    static final class Policy extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(
                names = {"-f", "--file"},
                paramLabel = "FILE",
                required = true,
                description = "YAML or JSON with the rules (- for stdin)")
        String file;

        @Override
        public Integer call() {
            String source = "-".equals(file) ? "stdin" : file;
            List<JsonNode> trees = Documents.readTrees(Inputs.read(file, ctx().in()), source);
            trees.removeIf(Documents::isEmpty);
            if (trees.size() != 1 || !trees.get(0).isObject()) {
                throw new CliException(source + ": expected one YAML or JSON object with the policy's rules");
            }
            JsonNode tree = trees.get(0);
            JsonNode policySpec = tree.has("spec") ? tree.get("spec") : tree;
            ObjectNode body = Bodies.resource(Kind.POLICY, name);
            body.set("spec", policySpec);
            client().create(Kind.POLICY, body);
            out().println("policy/" + name + " created");
            return 0;
        }
    }

    @Command(
            name = "session",
            description = {
                "Issue a Session to a User and print its access token, once, on stdout",
                "(alone, so that TOKEN=$(portcullis create session alice) works). The server keeps only its hash."
            })
    static final class Session extends ApiCommand {
        @Parameters(index = "0", paramLabel = "USER")
        String user;

        @Option(
                names = "--ttl",
                paramLabel = "DURATION",
                defaultValue = "8h",
                description = "lifetime, like 8h, 30m or 1h30m (default: ${DEFAULT-VALUE})")
        String ttl;

        @Option(
                names = "--name",
                paramLabel = "NAME",
                description = "the Session's name (default: chosen by the server)")
        String sessionName;

        @Override
        public Integer call() {
            ObjectNode body = Bodies.resource(Kind.SESSION, null);
            if (sessionName != null) {
                body.putObject("metadata").put("name", sessionName);
            }
            ObjectNode specNode = body.putObject("spec");
            specNode.put("user", user);
            specNode.put("ttl", ttl);
            JsonNode answer = client().create(Kind.SESSION, body);
            String token = answer == null ? null : Json.text(answer, "/accessToken");
            if (token == null || token.isBlank()) {
                throw new CliException("api-server issued the session but returned no accessToken");
            }
            JsonNode session = answer.path("session");
            String name = Json.text(session, "/metadata/name");
            String expires = Json.text(session, "/status/expiresAt");
            out().println(token);
            out().flush();
            java.time.Instant at = Tables.instant(expires);
            err().println("session " + (name == null ? "(unnamed)" : name) + " for user " + user
                    + (expires == null
                            ? ""
                            : " expires "
                                    + (at == null ? expires : at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))));
            return 0;
        }
    }
}
