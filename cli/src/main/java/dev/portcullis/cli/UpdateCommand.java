package dev.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code update secret NAME}: rotate a secret's value (a PUT; the secret must exist). */
@Command(
        name = "update",
        description = "Change an existing resource from command-line arguments.",
        subcommands = {UpdateCommand.Secret.class})
final class UpdateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing kind: secret");
    }

    @Command(
            name = "secret",
            description = {
                "Replace a Secret's value (rotation). The value is read as for",
                "'create secret': --value, --file (one trailing newline removed), the terminal without echo, or stdin."
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
                client.replace(Kind.SECRET, name, Bodies.secret(name, v));
            } catch (ApiException e) {
                if (e.status() == 404) {
                    throw new CliException(
                            e.getMessage() + " (to create it: portcullis create secret " + name + ")", e);
                }
                throw e;
            }
            out().println("secret/" + name + " updated");
            return 0;
        }
    }
}
