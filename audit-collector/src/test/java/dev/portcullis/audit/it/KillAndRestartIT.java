package dev.portcullis.audit.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portcullis.audit.Publisher;
import dev.portcullis.audit.TestEvents;
import dev.portcullis.testkit.KafkaBroker;
import dev.portcullis.testkit.QuarkusService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The packaged collector ({@code target/quarkus-app}), run as a real process against a real
 * broker, is killed with SIGKILL and later stopped with SIGTERM while events stream in; after
 * each restart every event is found exactly once.
 */
class KillAndRestartIT {
    private static final String TOKEN = "it-admin-" + UUID.randomUUID();
    private static final int EVENTS = 20_000;
    private static final int CHUNK = 100;
    private static final int BACKLOG = 20_000;

    @Test
    void noEventIsLostOrDuplicatedWhenTheCollectorDiesMidStream() throws Exception {
        String svc = "killed-" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaBroker kafka = KafkaBroker.startDefault();
                Publisher publisher = new Publisher(kafka.bootstrapServers())) {
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                // as the collector would create it; the broker's auto-creation would make one partition
                admin.createTopics(List.of(new NewTopic(Publisher.TOPIC, 3, (short) 1)))
                        .all()
                        .get();
            }
            // a backlog waiting before the collector first starts: how fast it catches up
            List<TestEvents.Builder> backlog = new ArrayList<>();
            for (int i = 0; i < BACKLOG; i++) {
                backlog.add(TestEvents.event()
                        .service("backlog")
                        .connection("backlog-c" + (i % 31))
                        .query("select " + i));
            }
            publish(publisher, backlog);
            try (QuarkusService collector = QuarkusService.builder("audit-collector")
                    .property("portcullis.kafka.bootstrap-servers", kafka.bootstrapServers())
                    .property("portcullis.admin-token", TOKEN)
                    // H2 writes commits to its file within half a second by itself, and offsets are
                    // committed every second, so a kill would rarely find committed offsets of rows
                    // not on disk. With H2's timed writes ten minutes apart (it still writes when
                    // enough unsaved data piles up) and offsets committed every 100 ms, a kill finds
                    // such rows, and only the indexer's flush before each offset commit keeps them
                    // (without it: 79 of 20,000 events lost).
                    .property(
                            "quarkus.datasource.jdbc.url",
                            "jdbc:h2:file:./.portcullis/audit-collector/accesslogs;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=600000")
                    .property("portcullis.kafka.commit-interval", "100ms")
                    .startTimeout(Duration.ofSeconds(120))
                    .start()) {
                long ready = System.nanoTime();
                CollectorClient api = new CollectorClient(collector.baseUrl(), TOKEN);
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> api.indexedTotal() >= BACKLOG);
                double seconds = (System.nanoTime() - ready) / 1e9;
                System.out.printf(
                        "[measure] backlog of %d events indexed in %.1f s after ready: %.0f events/s%n",
                        BACKLOG, seconds, BACKLOG / seconds);
                killAndRestart(svc, publisher, collector, api);
            }
        }
    }

    private void killAndRestart(String svc, Publisher publisher, QuarkusService collector, CollectorClient api)
            throws Exception {
        List<String> sent = new ArrayList<>();
        List<TestEvents.Builder> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            // many connections, so all partitions are busy
            var e = TestEvents.event()
                    .service(svc)
                    .connection(svc + "-c" + (i % 17))
                    .query("select " + i);
            events.add(e);
            sent.add(e.id());
        }
        // the first half streams in; kill -9 while the collector is indexing it
        CompletableFuture<Void> firstHalf =
                CompletableFuture.runAsync(() -> publish(publisher, events.subList(0, EVENTS / 2)));
        // the indexed-events counter, not a search: cheap enough to poll while thousands arrive each second
        AtomicInteger seen = new AtomicInteger();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> seen.updateAndGet(n -> (int) api.indexedTotal() - BACKLOG) >= 300);
        kill(collector);
        int atKill = seen.get();
        firstHalf.get();
        // while it is down: a quarter more, and some events a second time
        publish(publisher, events.subList(EVENTS / 2, EVENTS * 3 / 4));
        publish(publisher, events.subList(0, 200));
        long restart = System.nanoTime();
        collector.start();
        System.out.printf("[measure] restarted after SIGKILL in %d ms%n", (System.nanoTime() - restart) / 1_000_000);

        // the last quarter streams in; stop (SIGTERM) mid-way and start again
        CompletableFuture<Void> lastQuarter =
                CompletableFuture.runAsync(() -> publish(publisher, events.subList(EVENTS * 3 / 4, EVENTS)));
        awaitIndexed(api, svc, EVENTS * 3 / 4 + 100, collector);
        collector.stop();
        lastQuarter.get();
        collector.start();

        long catchUp = System.nanoTime();
        awaitIndexed(api, svc, EVENTS, collector);
        System.out.printf(
                "[measure] killed at %d of %d indexed; all %d found %d ms after the last restart%n",
                atKill, EVENTS, EVENTS, (System.nanoTime() - catchUp) / 1_000_000);
        List<String> stored = api.ids(svc);
        assertEquals(EVENTS, stored.size(), "no event lost, none stored twice");
        assertEquals(new HashSet<>(sent), new HashSet<>(stored));
        assertTrue(atKill < EVENTS / 2, "the kill happened mid-stream (" + atKill + " indexed)");
        String log = collector.log();
        assertTrue(!log.contains(TOKEN), "the admin token was logged");
    }

    /** Within 60s (a killed member's partitions move after the 10s session timeout); else the log says why. */
    private static void awaitIndexed(CollectorClient api, String svc, int count, QuarkusService collector) {
        AtomicInteger seen = new AtomicInteger();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> seen.updateAndGet(n -> api.ids(svc).size()) >= count);
        } catch (ConditionTimeoutException e) {
            fail("only " + seen.get() + " of " + count + " events indexed; collector log:\n"
                    + tail(collector.log(), 60));
        }
    }

    private static String tail(String log, int lines) {
        List<String> all = log.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void publish(Publisher publisher, List<TestEvents.Builder> events) {
        for (int i = 0; i < events.size(); i++) {
            var e = events.get(i);
            publisher.sendAsync(e.build().getEntry().getCommon().getConnectionId(), e.json());
            if (i % CHUNK == CHUNK - 1) {
                publisher.flush(); // paces the stream: chunks of 100, each acknowledged
            }
        }
        publisher.flush();
    }

    /** SIGKILL: no shutdown hook, no last commit; the process just ends. */
    private static void kill(QuarkusService service) {
        String portArgument = "-Dquarkus.http.port=" + service.port();
        List<ProcessHandle> matches = ProcessHandle.current()
                .children()
                .filter(p -> p.info()
                        .arguments()
                        .map(a -> List.of(a).contains(portArgument))
                        .orElse(false))
                .toList();
        assertEquals(1, matches.size(), "the collector's process");
        ProcessHandle p = matches.get(0);
        p.destroyForcibly();
        p.onExit().join();
        await().atMost(Duration.ofSeconds(10)).until(() -> !service.isRunning());
    }
}
