package dev.portcullis.audit.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.audit.TestEvents;
import dev.portcullis.testkit.ProjectLayout;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventDecoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventDecoder.Origin ORIGIN =
            new EventDecoder.Origin("portcullis.accesslogs", 2, 41, "key-conn", 1_700_000_000_000L);

    @Test
    void theReferenceEventIndexesItsColumnsAndKeepsItsShape() throws Exception {
        String golden =
                Files.readString(ProjectLayout.root().resolve("api/src/test/resources/reference/accesslog.json"));
        IndexedEvent e = EventDecoder.decode(golden, ORIGIN);
        assertEquals("qz07-s8ho-pf8t84xm5rhqrmnpttybpspx-aqnp-rkeg", e.id());
        assertEquals(Instant.parse("2025-03-21T22:15:32.000522Z"), e.createdAt(), "kept to the microsecond");
        assertEquals("dnm3-09gn-6rt58k768x9cns8fxbu1w54v-v446-a6fy", e.connectionId());
        assertEquals("QUERY", e.type());
        assertEquals("pg1.default", e.service());
        assertEquals("pg1", e.serviceName());
        assertEquals("usr1", e.user());
        assertEquals("usr1-3pt93j", e.session());
        assertTrue(e.authorized());
        assertEquals("CREATE DATABASE db01;", e.text());
        assertEquals(JSON.readTree(golden), JSON.readTree(e.json()), "the stored JSON is the event as received");
        assertFalse(e.json().contains("\n"), "one line: SSE data and `logs -o json`");
    }

    @Test
    void unknownFieldsAreKeptNotRejected() throws Exception {
        String json = TestEvents.event().id("e-1").json().replaceFirst("\\{", "{\"fromTheFuture\":{\"x\":1},");
        IndexedEvent e = EventDecoder.decode(json, ORIGIN);
        assertEquals("e-1", e.id());
        assertEquals(1, JSON.readTree(e.json()).at("/fromTheFuture/x").asInt());
    }

    @Test
    void aOneLineEventIsStoredAsItCame() {
        // not what re-serialising would give: a space after the brace, and an escaped '<'
        String json = TestEvents.event().id("e-2").query("select '<'").json().replaceFirst("\\{", "{ ");
        assertTrue(json.contains("\\u003c"), json);
        assertEquals(json, EventDecoder.decode(" " + json + "\n", ORIGIN).json(), "the text itself, trimmed");
    }

    @Test
    void duplicateKeysAndTrailingTextAreNotStoredAsSent() throws Exception {
        String json = TestEvents.event().id("e-3").json();
        IndexedEvent dup =
                EventDecoder.decode(json.replace("\"id\":\"e-3\"", "\"id\":\"forged\",\"id\":\"e-3\""), ORIGIN);
        assertEquals("e-3", dup.id());
        assertFalse(dup.json().contains("forged"), "the document says what the columns say: " + dup.json());
        assertEquals(
                "e-3",
                EventDecoder.STRICT.readTree(dup.json()).at("/metadata/id").asText());

        IndexedEvent trailing = EventDecoder.decode(json + " {\"injected\":1}", ORIGIN);
        assertEquals(
                JSON.readTree(json), EventDecoder.STRICT.readTree(trailing.json()), "one JSON value, nothing after it");
    }

    @Test
    void aTimeTheDecoderFillsInIsInTheDocument() throws Exception {
        String json = "{\"kind\":\"AccessLog\",\"metadata\":{\"id\":\"e-4\"}}";
        IndexedEvent e = EventDecoder.decode(json, ORIGIN);
        assertEquals(
                "2023-11-14T22:13:20Z",
                JSON.readTree(e.json()).at("/metadata/createdAt").asText());
    }

    @Test
    void missingIdTimeAndConnectionComeFromTheRecord() throws Exception {
        IndexedEvent e = EventDecoder.decode(
                "{\"kind\":\"AccessLog\",\"entry\":{\"info\":{\"postgres\":{\"query\":{\"query\":\"select 2\"}}}}}",
                ORIGIN);
        assertEquals("kafka-portcullis.accesslogs-2-41", e.id(), "deterministic, so a redelivery is recognised");
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), e.createdAt());
        assertEquals("key-conn", e.connectionId());
        assertEquals("QUERY", e.type(), "implied by the detail present");
        assertEquals(
                "kafka-portcullis.accesslogs-2-41",
                JSON.readTree(e.json()).at("/metadata/id").asText());
    }

    @Test
    void overlongIdsAreHashedDeterministically() {
        String id = "x".repeat(500);
        IndexedEvent a = EventDecoder.decode(TestEvents.event().id(id).json(), ORIGIN);
        IndexedEvent b = EventDecoder.decode(TestEvents.event().id(id).json(), ORIGIN);
        assertTrue(a.id().startsWith("sha256-") && a.id().length() <= EventDecoder.MAX_ID, a.id());
        assertEquals(a.id(), b.id());
    }

    @Test
    void searchTextPerType() {
        assertEquals(
                "select * from t $1 s1",
                EventDecoder.decode(
                                TestEvents.event()
                                        .parse("s1", "select * from t\n  $1")
                                        .json(),
                                ORIGIN)
                        .text());
        assertEquals(
                "alice demo app demo psql",
                EventDecoder.decode(
                                TestEvents.event()
                                        .sessionStart("alice", "app", "demo")
                                        .json(),
                                ORIGIN)
                        .text());
        String streamed = "{\"entry\":{\"common\":{\"isAuthorized\":true},\"info\":{\"postgres\":{\"type\":\"BIND\","
                + "\"query\":{\"query\":\"<malformed message: short>\"}}}}}";
        assertEquals(
                "<malformed message: short>",
                EventDecoder.decode(streamed, ORIGIN).text());
        IndexedEvent denied = EventDecoder.decode(
                TestEvents.event()
                        .sessionStart("eve", "", "demo")
                        .denied("NO_POLICY_MATCH", "no policy allows eve")
                        .json(),
                ORIGIN);
        assertFalse(denied.authorized());
        assertTrue(denied.text().endsWith("NO_POLICY_MATCH no policy allows eve"), denied.text());
    }

    @Test
    void garbageIsRejected() {
        assertThrows(InvalidEventException.class, () -> EventDecoder.decode("not json", ORIGIN));
        assertThrows(InvalidEventException.class, () -> EventDecoder.decode("[1,2]", ORIGIN));
        assertThrows(
                InvalidEventException.class,
                () -> EventDecoder.decode("{\"metadata\":{\"createdAt\":\"yesterday\"}}", ORIGIN));
        assertThrows(InvalidEventException.class, () -> EventDecoder.decode("", ORIGIN));
        assertThrows(InvalidEventException.class, () -> EventDecoder.decode(null, ORIGIN));
        // valid JSON of the wrong shape: what protobuf's parser would refuse as an AccessLog
        assertThrows(InvalidEventException.class, () -> EventDecoder.decode("{\"metadata\":[1]}", ORIGIN));
        assertThrows(InvalidEventException.class, () -> EventDecoder.decode("{\"metadata\":{\"id\":7}}", ORIGIN));
        assertThrows(
                InvalidEventException.class,
                () -> EventDecoder.decode("{\"entry\":{\"common\":{\"isAuthorized\":\"yes\"}}}", ORIGIN));
        assertThrows(
                InvalidEventException.class,
                () -> EventDecoder.decode(
                        "{\"entry\":{\"info\":{\"postgres\":{\"bind\":{\"parameters\":{\"text\":\"x\"}}}}}}", ORIGIN));
    }

    @Test
    void aBinaryAccessLogIsStoredAsTheSameJsonAsItsJsonForm() throws Exception {
        TestEvents.Builder event = TestEvents.event().query("delete from accounts where aid < 10");
        byte[] binary = event.build().toByteArray();
        IndexedEvent fromProtobuf = EventDecoder.decode(binary, "application/protobuf", ORIGIN);
        IndexedEvent fromJson = EventDecoder.decode(event.json(), ORIGIN);
        // the same document (JsonFormat, which wrote the JSON form, escapes '<' where the proxy's writer does not)
        assertEquals(JSON.readTree(fromJson.json()), JSON.readTree(fromProtobuf.json()));
        assertEquals(fromJson.text(), fromProtobuf.text());
        assertEquals(fromJson.id(), fromProtobuf.id());
        assertEquals(fromJson.createdAt(), fromProtobuf.createdAt());
        // JSON with its content-type, and JSON with none (proxy nodes before protobuf): the same again
        byte[] utf8 = event.json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(
                fromJson.json(),
                EventDecoder.decode(utf8, "application/json", ORIGIN).json());
        assertEquals(fromJson.json(), EventDecoder.decode(utf8, null, ORIGIN).json());
        // no content-type and not JSON: read as protobuf
        assertEquals(
                fromProtobuf.json(), EventDecoder.decode(binary, null, ORIGIN).json());
    }

    @Test
    void aRecordThatIsNoAccessLogIsRejectedWithWhy() {
        InvalidEventException garbage = assertThrows(
                InvalidEventException.class,
                () -> EventDecoder.decode(new byte[] {(byte) 0xff, 1, 2}, "application/protobuf", ORIGIN));
        assertTrue(garbage.getMessage().startsWith("not an AccessLog"), garbage.getMessage());
        InvalidEventException foreign = assertThrows(
                InvalidEventException.class, () -> EventDecoder.decode(new byte[] {1}, "text/plain", ORIGIN));
        assertTrue(foreign.getMessage().contains("text/plain"), foreign.getMessage());
        assertThrows(InvalidEventException.class, () -> EventDecoder.decode(new byte[0], null, ORIGIN));
    }
}
