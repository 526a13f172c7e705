/**
 * Portcullis test kit: real components, started as real processes, for integration tests.
 *
 * <p>Every Portcullis module tests against the real thing rather than mocks: a proxy that speaks
 * the PostgreSQL wire protocol is only trustworthy when a real server sits behind it, and an
 * audit pipeline only when a real broker can fail underneath it. This package starts those
 * components without Docker, on a machine that has nothing but Java 17 and Maven:
 *
 * <ul>
 *   <li>{@link dev.portcullis.testkit.PostgresCluster} — a throwaway PostgreSQL cluster (the
 *       machine's server binaries, or PostgreSQL from Maven Central when there are none) with
 *       roles per authentication method (SCRAM, md5, cleartext) and optional TLS;</li>
 *   <li>{@link dev.portcullis.testkit.KafkaBroker} — a single-node KRaft Kafka broker running in its
 *       own JVM from the jars that {@code deploy/kafka} copies, so it can be stopped and started
 *       again by fault tests;</li>
 *   <li>{@link dev.portcullis.testkit.TestCertificates} — a CA and certificates made in memory
 *       (no openssl), for servers under test and for "wrong CA" cases;</li>
 *   <li>{@link dev.portcullis.testkit.Ports} — free TCP ports on the loopback interface.</li>
 * </ul>
 *
 * <p>Processes write their output to log files in their own folder, never to the test's stdout;
 * failures quote the tail of those logs. A JVM shutdown hook kills whatever a test forgot to
 * close. Use this module in {@code test} scope only.
 */
package dev.portcullis.testkit;
