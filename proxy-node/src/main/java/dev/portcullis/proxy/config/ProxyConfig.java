package dev.portcullis.proxy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** proxy-node configuration (`portcullis.*`, or `PORTCULLIS_*`). Limits and timeouts live here. */
@ConfigMapping(prefix = "portcullis")
public interface ProxyConfig {

    /** The credential this node presents to api-server (Services, Secrets) and policy-service. */
    String proxyToken();

    Listen listen();

    interface Listen {
        /** The address the Service listeners bind. */
        @WithDefault("0.0.0.0")
        String host();

        /**
         * Added to every Service's spec.port: lets several nodes share one host behind a balancer
         * (node A offset 0, node B offset 10000).
         */
        @WithDefault("0")
        int portOffset();

        /**
         * Accept an access token over a connection without TLS. Off by default: the token is a
         * bearer credential and would cross the network in the clear.
         */
        @WithDefault("false")
        boolean allowPlaintextToken();

        /**
         * Load balancers that send the PROXY protocol (v1 or v2), as CIDR blocks: connections from
         * them must begin with a PROXY header, whose client address is then the one limited,
         * logged and audited. A PROXY header from any other address is refused. Unset: none.
         */
        Optional<java.util.List<String>> trustedProxies();
    }

    Tls tls();

    interface Tls {
        /** PEM certificate chain for client connections; a self-signed one is generated when absent. */
        Optional<Path> certificate();

        /** PEM (PKCS#8) private key of that certificate. */
        Optional<Path> key();
    }

    Timeouts timeouts();

    interface Timeouts {
        /** From accept to a complete StartupMessage (slow-loris clients are cut here). */
        @WithDefault("10s")
        Duration startup();

        /** From the password request to the client's answer. */
        @WithDefault("30s")
        Duration authentication();

        /**
         * One Authorize call to policy-service; past it the connection is refused (08004). Well
         * under 2 s, so that a client learns at once when policy-service hangs (an Authorize
         * takes milliseconds).
         */
        @WithDefault("1500ms")
        Duration policy();

        /** TCP connect, TLS and login to the upstream. */
        @WithDefault("10s")
        Duration upstreamConnect();
    }

    Limits limits();

    interface Limits {
        /** The largest message a client may send before it is authenticated. */
        @WithDefault("8192")
        int preAuthMessageBytes();

        /** The largest message after authentication. */
        @WithDefault("1073741824")
        int messageBytes();

        /** Messages up to this size are handled whole; larger ones (COPY, big rows) are streamed. */
        @WithDefault("65536")
        int streamThresholdBytes();

        /**
         * Under per-message authorization (authorization.mode ALL), Query, Parse and FunctionCall
         * messages are read whole up to this size and decided before any byte of them goes
         * upstream; a larger one is refused (54000) and none of it is forwarded. 1 MiB holds any
         * statement an ORM writes; each session under mode ALL may buffer this much.
         */
        @WithDefault("1048576")
        int authorizedStatementBytes();

        /** The most PBKDF2 iterations an upstream may ask of SCRAM. */
        @WithDefault("100000")
        int maxScramIterations();
    }

    Auth auth();

    /**
     * Token guessing is slowed: each source address may fail the access-token check
     * {@code max-failures} times, then once per {@code failure-window / max-failures}; further
     * attempts are refused (08004) without asking policy-service. Successes do not count.
     */
    interface Auth {
        /** Failed access tokens from one source address allowed at once (the bucket's size). */
        @WithDefault("10")
        int maxFailures();

        /**
         * Checks of one source that may run beyond what its remaining failures could pay for: N
         * parallel guesses get at most max-failures + this many checked. Valid logins are never
         * refused for it; past it they wait their turn (a few milliseconds each).
         */
        @WithDefault("2")
        int checksInFlight();

        /** The time in which a source earns back {@code max-failures} attempts. */
        @WithDefault("1m")
        Duration failureWindow();

        /** Source addresses remembered at most (least recently seen forgotten first): bounds memory. */
        @WithDefault("10000")
        int maxTrackedSources();
    }

    Sessions sessions();

    /** Defaults of a Service's spec.sessionLimits, and how live sessions are re-checked. */
    interface Sessions {
        /** A session with no client message, while no query runs, for this long is closed (57P05). */
        @WithDefault("60m")
        Duration idleTimeout();

        /** A session is closed this long after it began, however busy. */
        @WithDefault("24h")
        Duration maxLifetime();

        /** Live sessions of one User on one Service, on this node. */
        @WithDefault("100")
        int maxConnectionsPerUser();

        /**
         * At shutdown, how long live sessions get to finish what they run: each is closed (57P01) as
         * soon as it is idle, those still busy when this ends at the next message boundary. Keep it
         * under the orchestrator's grace period (Kubernetes: 30 s by default).
         */
        @WithDefault("20s")
        Duration drainTimeout();

        /** Changes to Sessions, Users, Groups, Policies or Services are gathered this long before live sessions are re-checked. */
        @WithDefault("250ms")
        Duration recheckDelay();
    }

    Audit audit();

    interface Audit {
        /** Publish access-log events. Off only for tests and benchmarks of the bare relay. */
        @WithDefault("true")
        boolean enabled();

        /** Kafka bootstrap servers of the access-log topic. */
        @WithDefault("127.0.0.1:9092")
        String bootstrapServers();

        @WithDefault("portcullis.accesslogs")
        String topic();

        /** Partitions of the topic when this node is the first to need it (the collector's default too). */
        @WithDefault("3")
        int topicPartitions();

        /** Replication of the topic when this node creates it: 3 on a production Kafka. */
        @WithDefault("1")
        short topicReplicationFactor();

        /**
         * Kafka compression of the access-log batches: none, gzip, snappy, lz4 or zstd. lz4 costs
         * the node least, with its native code: see {@code audit.Lz4Native}.
         */
        @WithDefault("lz4")
        String compression();

        /**
         * What a record's value is: protobuf ({@code portcullis.v1.AccessLog}, binary, the default)
         * or json (its protobuf JSON, for consumers that want JSON off the topic).
         */
        @WithDefault("protobuf")
        TopicFormat topicFormat();

        /** The events' CloudEvents source (ce_source); unset: /portcullis/proxy-node/&lt;host name&gt;. */
        java.util.Optional<String> eventSource();

        /**
         * The codec's level (Kafka's compression.&lt;codec&gt;.level), for gzip, lz4 or zstd. Unset:
         * 1 for zstd, Kafka's default for the others. zstd 1 instead of Kafka's 3 took 4-9 % off
         * an audited node's CPU (bench/pgbench.sh, NODE2_AUDIT A/B): its match tables and window
         * are smaller, and Kafka builds a new compression context per batch, paging in fresh memory.
         */
        java.util.Optional<Integer> compressionLevel();

        /**
         * How long the producer gathers events into a batch per partition (Kafka's linger.ms):
         * the delay it adds before an event is searchable, against the cost of each batch (a
         * compressed frame on the node, a request on the broker).
         */
        @WithDefault("100ms")
        java.time.Duration linger();

        /** Query text longer than this (in bytes) is cut, and the event says isTruncated. */
        @WithDefault("8192")
        int maxQueryBytes();

        /** Events waiting for the publisher thread; past this they are dropped, counted and logged. */
        @WithDefault("65536")
        int queueCapacity();

        /** Where events wait on disk while Kafka is unreachable. */
        @WithDefault(".portcullis/proxy-spool")
        Path spoolDir();

        /** The spool's size cap; when full, new connections are refused (events are never dropped silently). */
        @WithDefault("268435456")
        long spoolMaxBytes();
    }

    Cancel cancel();

    /**
     * Cancel requests behind a load balancer: every key this node mints carries its node id, and a
     * CancelRequest that lands on another node is forwarded to the owner's cancel port.
     */
    interface Cancel {
        /** This node's id, 0-127, unique among the nodes behind one balancer. */
        @WithDefault("0")
        int nodeId();

        /** Where peers send this node the cancel requests of its sessions; 0: no peering. */
        @WithDefault("0")
        int port();

        /** The other nodes, as {@code id=host:port} (their cancel ports). */
        Optional<java.util.List<String>> peers();

        /** Cancel requests accepted per second from one source address (a burst of twice that). */
        @WithDefault("20")
        int perSourceRate();
    }
}
