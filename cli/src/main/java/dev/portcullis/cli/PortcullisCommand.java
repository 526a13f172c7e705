package dev.portcullis.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis}: the top-level command. The connection options are declared here with
 * {@code scope = INHERIT}, so they are accepted before or after the subcommand name, and their
 * values always land in this object.
 */
@Command(
        name = "portcullis",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = PortcullisCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Manage Portcullis resources (Services, Secrets, Users, Groups, Policies, Sessions) on api-server,",
            "and read the access logs on audit-collector."
        },
        footerHeading = "%nConnection:%n",
        footer = "The server and token come from --server and --token, else PORTCULLIS_SERVER and PORTCULLIS_TOKEN,"
                + " else the config file (--config, PORTCULLIS_CONFIG, $PORTCULLIS_HOME/.portcullis/cli.properties"
                + " or ~/.portcullis/cli.properties, with keys server, token and audit-server),"
                + " else http://127.0.0.1:8080. deploy/local/up.sh writes that file for a local cluster.",
        subcommands = {
            ApplyCommand.class,
            GetCommand.class,
            CreateCommand.class,
            UpdateCommand.class,
            DeleteCommand.class,
            LogsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PortcullisCommand implements Runnable {

    @Option(
            names = "--server",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            order = 100,
            description = "api-server base URL (env PORTCULLIS_SERVER; default http://127.0.0.1:8080)")
    String server;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            scope = ScopeType.INHERIT,
            order = 101,
            description =
                    "admin bearer token (env PORTCULLIS_TOKEN). Prefer the environment: flags end up in shell history.")
    String token;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            order = 102,
            description = "properties file with server, token, audit-server (env PORTCULLIS_CONFIG)")
    Path config;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            order = 103,
            description = "log HTTP requests, and print stack traces on errors")
    boolean verbose;

    @Spec
    CommandSpec spec;

    private final CliContext context;
    private ConnectionSettings settings;

    public PortcullisCommand(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Resolved once, on first use, so that --help and usage errors never need a config file. */
    public ConnectionSettings settings() {
        if (settings == null) {
            settings = ConnectionSettings.resolve(
                    new ConnectionSettings.Flags(server, token, config), context.env(), context.userHome());
        }
        return settings;
    }

    public ApiClient client() {
        ConnectionSettings s = settings();
        String t = s.requireToken();
        if (verbose) {
            // never the token itself: only where it came from would help, and that is in --help
            context.err()
                    .println("# api-server " + s.server()
                            + s.configFile()
                                    .map(p -> " (config file " + p + ")")
                                    .orElse(""));
        }
        return new ApiClient(s.server(), t, verbose ? context.err() : null);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "missing command: apply, get, create, update, delete or logs");
    }

    /** The version recorded in the jar's manifest by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PortcullisCommand.class.getPackage().getImplementationVersion();
            return new String[] {"portcullis " + (v == null ? "(development build)" : v)};
        }
    }
}
