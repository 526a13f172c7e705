package dev.portcullis.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where a secret's value comes from: {@code --value}, {@code --file}, else the terminal
 * (without echo), else stdin. The value is never printed, logged or put in an error message.
 */
final class SecretValue {

    static final class Source {
        @Option(
                names = "--value",
                paramLabel = "VALUE",
                description = "the value itself (visible in shell history and ps: prefer --file, the prompt or stdin)")
        String value;

        @Option(
                names = "--file",
                paramLabel = "FILE",
                description = "read the value from FILE (- for stdin); one trailing newline is removed")
        String file;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    String read(CliContext ctx, String secretName) {
        String v;
        if (source != null && source.value != null) {
            v = source.value;
        } else if (source != null && source.file != null) {
            v = Inputs.stripOneNewline(Inputs.read(source.file, ctx.in()));
        } else {
            Terminal terminal = ctx.terminal().get();
            if (terminal != null) {
                char[] chars = terminal.readPassword("Value of secret " + secretName + " (not echoed): ");
                if (chars == null) {
                    throw new CliException("no value entered for secret " + secretName);
                }
                v = new String(chars);
                Arrays.fill(chars, '\0');
            } else {
                try {
                    v = Inputs.stripOneNewline(new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new CliException("cannot read the secret value from stdin: " + e.getMessage(), e);
                }
            }
        }
        if (v.isEmpty()) {
            throw new CliException("the value of secret " + secretName
                    + " is empty: pass --value or --file, type it at the prompt, or pipe it on stdin");
        }
        return v;
    }
}
