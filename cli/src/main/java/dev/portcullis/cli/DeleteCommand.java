package dev.portcullis.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code delete KIND NAME...}. */
@Command(
        name = "delete",
        description = {"Delete resources by name.", "With several names, stops at the first that cannot be deleted."})
final class DeleteCommand extends ApiCommand {

    @Parameters(
            index = "0",
            paramLabel = "KIND",
            converter = Kind.Converter.class,
            description = "service, secret, user, group, policy or session")
    Kind kind;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "NAME", description = "the resources to delete")
    List<String> names;

    @Override
    public Integer call() {
        ApiClient client = client();
        for (String n : names) {
            client.delete(kind, n);
            out().println(kind.singular() + "/" + n + " deleted");
            out().flush();
        }
        return 0;
    }
}
