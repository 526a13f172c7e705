package dev.portcullis.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the commands that talk to api-server: access to the root's context and client. */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    PortcullisCommand root() {
        return (PortcullisCommand) spec.root().userObject();
    }

    CliContext ctx() {
        return root().context();
    }

    PrintWriter out() {
        return ctx().out();
    }

    PrintWriter err() {
        return ctx().err();
    }

    ApiClient client() {
        return root().client();
    }
}
