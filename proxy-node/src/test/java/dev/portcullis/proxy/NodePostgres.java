package dev.portcullis.proxy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portcullis.proxy.Clients.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * node-postgres (the {@code pg} package from npm), the driver most Node.js applications use, run
 * as a real process: installed once into target/ by npm (deploy/install-deps.sh installs Node.js).
 * Tests that need it are skipped, saying why, where Node.js or the npm registry is missing.
 */
final class NodePostgres {
    private static final Path HOME = Path.of("target", "node-pg").toAbsolutePath();
    private static final String VERSION = "pg@8";

    private NodePostgres() {}

    /**
     * Connects over TLS with the token as the password and {@code config} (a JavaScript object
     * literal merged into the client's options), runs one query and prints its first column.
     */
    static Result query(int port, String token, String config, String sql) {
        install();
        String script = """
                const { Client } = require('pg');
                const c = new Client(Object.assign({host: '127.0.0.1', port: %d, user: 'whoever', database: 'whatever',
                    password: process.env.PORTCULLIS_TOKEN, ssl: {rejectUnauthorized: false}}, %s));
                c.connect()
                  .then(() => c.query(process.env.PORTCULLIS_SQL))
                  .then(r => { console.log(Object.values(r.rows[0])[0]); return c.end(); })
                  .catch(e => { console.error(e.code + ': ' + e.message); process.exit(1); });
                """.formatted(port, config);
        Path file = HOME.resolve("query.js");
        try {
            Files.writeString(file, script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Clients.run(
                List.of("node", file.toString()),
                Map.of(
                        "NODE_PATH",
                        HOME.resolve("node_modules").toString(),
                        "PORTCULLIS_TOKEN",
                        token,
                        "PORTCULLIS_SQL",
                        sql));
    }

    private static synchronized void install() {
        assumeTrue(
                Clients.run(List.of("sh", "-c", "command -v node && command -v npm"), Map.of())
                                .exit()
                        == 0,
                "node-postgres tests need Node.js and npm (deploy/install-deps.sh installs them)");
        if (Files.isDirectory(HOME.resolve("node_modules/pg"))) {
            return;
        }
        try {
            Files.createDirectories(HOME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Result npm = Clients.run(
                List.of(
                        "npm",
                        "install",
                        "--prefix",
                        HOME.toString(),
                        "--no-audit",
                        "--no-fund",
                        "--loglevel=error",
                        VERSION),
                Map.of());
        assumeTrue(npm.exit() == 0, "npm could not install " + VERSION + " (is the npm registry reachable?): " + npm);
    }
}
