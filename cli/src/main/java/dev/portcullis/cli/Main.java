package dev.portcullis.cli;

import picocli.CommandLine;

/**
 * Entry point. Exit codes: 0 success, 1 failure (one {@code error:} line on stderr), 2 usage
 * error (picocli's convention).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        CliContext ctx = CliContext.system();
        int code = run(ctx, args);
        ctx.out().flush();
        ctx.err().flush();
        System.exit(code);
    }

    public static int run(CliContext ctx, String... args) {
        return commandLine(ctx).execute(args);
    }

    static CommandLine commandLine(CliContext ctx) {
        PortcullisCommand root = new PortcullisCommand(ctx);
        CommandLine cl = new CommandLine(root);
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            // one line instead of picocli's message plus the whole usage text
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            ctx.err()
                    .println("error: " + Problems.oneLine(String.valueOf(ex.getMessage())) + " (see '" + command
                            + " --help')");
            if (root.verbose()) {
                ex.printStackTrace(ctx.err());
            }
            ctx.err().flush();
            return ex.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            ctx.out().flush();
            if (ex instanceof CliException) {
                ctx.err().println("error: " + ex.getMessage());
            } else {
                // a bug, not a user mistake: still one line, the trace on request
                ctx.err().println("error: " + ex + (root.verbose() ? "" : " (run with --verbose for details)"));
            }
            if (root.verbose()) {
                ex.printStackTrace(ctx.err());
            }
            ctx.err().flush();
            return 1;
        });
        return cl;
    }
}
