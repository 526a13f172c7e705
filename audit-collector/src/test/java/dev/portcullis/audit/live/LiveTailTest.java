package dev.portcullis.audit.live;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.audit.Api;
import dev.portcullis.audit.KafkaResource;
import dev.portcullis.audit.Publisher;
import dev.portcullis.audit.TestEvents;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The live tail over a real HTTP connection (java.net.http), fed through a real broker. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
class LiveTailTest {
    private static Publisher kafka;

    @TestHTTPResource("/api/v1/accesslogs/stream")
    URI stream;

    @BeforeAll
    static void connect() {
        kafka = Publisher.toTestBroker();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void newMatchesArriveAsTheyAreIndexed() throws Exception {
        String svc = unique("live");
        try (SseReader reader = SseReader.open(stream, "service=" + svc + "&type=QUERY", Api.ADMIN)) {
            reader.awaitSubscribed();
            var other = TestEvents.event().service(unique("other")).query("select 'not for this tail'");
            var notAQuery = TestEvents.event().service(svc).sessionStart("alice", "app", "demo");
            // one connection, as a proxy node keys it: Kafka orders a partition, not the topic
            String conn = unique("conn");
            var a = TestEvents.event().service(svc).connection(conn).query("select 'a'");
            var b = TestEvents.event().service(svc).connection(conn).query("select 'b'");
            long sent = System.nanoTime();
            for (var e : List.of(other, notAQuery, a, b)) {
                kafka.send(e);
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> reader.events().size() >= 2);
            System.out.printf(
                    "[measure] published -> received on the live tail in %d ms%n",
                    (System.nanoTime() - sent) / 1_000_000);
            List<SseReader.Event> got = reader.events();
            assertEquals(
                    List.of(a.id(), b.id()),
                    got.stream().map(SseReader.Event::id).toList());
            assertEquals("accesslog", got.get(0).name());
            // the event as it was sent (TestEvents prints with JsonFormat, which escapes the quotes)
            assertEquals(
                    "select 'a'",
                    new ObjectMapper()
                            .readTree(got.get(0).data())
                            .at("/entry/info/postgres/query/query")
                            .asText(),
                    got.get(0).data());
            assertFalse(got.get(0).data().contains("\n"), "one data line per event");
        }
    }

    @Test
    void sinceReplaysStoredMatchesThenGoesLiveWithoutGapOrRepeat() {
        String svc = unique("replay");
        var old1 = TestEvents.event()
                .service(svc)
                .at(Instant.now().minusSeconds(30))
                .query("select 1");
        var old2 = TestEvents.event()
                .service(svc)
                .at(Instant.now().minusSeconds(20))
                .query("select 2");
        var tooOld = TestEvents.event()
                .service(svc)
                .at(Instant.now().minusSeconds(3600))
                .query("select 0");
        kafka.send(tooOld);
        kafka.send(old1);
        kafka.send(old2);
        await().atMost(Duration.ofSeconds(2))
                .until(() -> Api.search(Map.of("service", svc)).getList("items").size() == 3);
        try (SseReader reader = SseReader.open(stream, "service=" + svc + "&since=10m", Api.ADMIN)) {
            reader.awaitSubscribed();
            await().atMost(Duration.ofSeconds(2)).until(() -> reader.events().size() >= 2);
            var fresh = TestEvents.event().service(svc).query("select 3");
            kafka.send(fresh);
            kafka.send(old2); // redelivered: must not appear again
            await().atMost(Duration.ofSeconds(2)).until(() -> reader.events().size() >= 3);
            // indexed late but new to the tail: `since` bounds the replay, not what arrives live
            var late = TestEvents.event()
                    .service(svc)
                    .at(Instant.now().minusSeconds(7200))
                    .query("select 4");
            kafka.send(late);
            await().atMost(Duration.ofSeconds(2)).until(() -> reader.events().size() >= 4);
            assertEquals(
                    List.of(old1.id(), old2.id(), fresh.id(), late.id()),
                    reader.events().stream().map(SseReader.Event::id).toList());
        }
    }

    @Test
    void aWindowThatHasEndedIsReplayedAndTheStreamEnds() {
        String svc = unique("ended");
        var e = TestEvents.event()
                .service(svc)
                .at(Instant.now().minusSeconds(60))
                .query("select 'over'");
        kafka.send(e);
        await().atMost(Duration.ofSeconds(2))
                .until(() -> Api.search(Map.of("service", svc)).getList("items").size() == 1);
        try (SseReader reader = SseReader.open(stream, "service=" + svc + "&since=5m&until=10s", Api.ADMIN)) {
            await().atMost(Duration.ofSeconds(5)).until(reader::ended);
            assertEquals(
                    List.of(e.id()),
                    reader.events().stream().map(SseReader.Event::id).toList());
        }
    }

    @Test
    void theTailNeedsTheAdminToken() {
        try (SseReader reader = SseReader.open(stream, "", "wrong")) {
            assertEquals(401, reader.status());
        }
    }
}
