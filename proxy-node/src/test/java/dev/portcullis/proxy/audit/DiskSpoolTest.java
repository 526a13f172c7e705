package dev.portcullis.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {
    @TempDir
    Path dir;

    private static String json(int i) {
        return "{\"n\":" + i + ",\"text\":\"é\\tunicode ✓\"}";
    }

    @Test
    void replaysInOrderAcrossSegmentsAndDeletesWhatWasDelivered() throws Exception {
        DiskSpool spool = new DiskSpool(dir, 1 << 20, 4096);
        for (int i = 0; i < 1000; i++) {
            assertTrue(spool.append("conn-" + (i % 7), json(i)));
        }
        assertTrue(segmentFiles() > 10, "small segments roll");
        List<Integer> seen = new ArrayList<>();
        while (!spool.isEmpty()) {
            List<DiskSpool.Entry> batch = spool.peek(64);
            assertFalse(batch.isEmpty());
            for (DiskSpool.Entry e : batch) {
                int n = Integer.parseInt(e.event().replaceAll("\\{\"n\":(\\d+),.*", "$1"));
                assertEquals("conn-" + (n % 7), e.key());
                assertEquals(json(n), e.event());
                seen.add(n);
            }
            spool.remove(batch);
        }
        assertEquals(1000, seen.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, seen.get(i));
        }
        assertEquals(0, spool.bytes());
        assertEquals(0, segmentFiles(), "an empty spool leaves no segment behind");
        spool.close();
    }

    @Test
    void aRestartGoesOnFromTheDeliveredPosition() {
        DiskSpool first = new DiskSpool(dir, 1 << 20, 4096);
        for (int i = 0; i < 300; i++) {
            first.append("k", json(i));
        }
        first.remove(first.peek(120));
        long left = first.bytes();
        first.close();

        DiskSpool again = new DiskSpool(dir, 1 << 20, 4096);
        assertEquals(left, again.bytes());
        assertEquals(json(120), again.peek(1).get(0).event());
        again.append("k", json(300));
        List<DiskSpool.Entry> rest = again.peek(1000);
        assertEquals(181, rest.size());
        assertEquals(json(300), rest.get(180).event());
        again.close();
    }

    @Test
    void refusesPastItsCapAndAcceptsAgainOnceDrained() {
        DiskSpool spool = new DiskSpool(dir, 2000, 512);
        int kept = 0;
        while (spool.append("k", json(kept))) {
            kept++;
        }
        assertTrue(kept > 10 && kept < 100, "kept " + kept);
        assertFalse(spool.append("k", json(-1)));
        spool.remove(spool.peek(kept));
        assertTrue(spool.isEmpty());
        assertTrue(spool.append("k", json(0)));
        spool.close();
    }

    @Test
    void fullAsSoonAsAnEventIsTurnedAwayAndUntilItWouldFit() {
        String line = "k\t" + json(0) + "\n";
        int lineBytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        // room for two lines and a half: the third append is refused while bytes < max
        DiskSpool spool = new DiskSpool(dir, lineBytes * 5L / 2, 4096);
        assertTrue(spool.append("k", json(0)));
        assertTrue(spool.append("k", json(1)));
        assertFalse(spool.isFull(), "room left");
        assertFalse(spool.append("k", json(2)));
        assertTrue(spool.bytes() < lineBytes * 5L / 2);
        assertTrue(spool.isFull(), "an event was not kept: sessions of refusing Services must be refused");
        spool.remove(spool.peek(1));
        assertFalse(spool.isFull(), "room again for the event that was turned away");
        assertTrue(spool.append("k", json(3)));
        spool.close();
    }

    @Test
    void anEventLargerThanTheWholeSpoolDoesNotLatchItFull() {
        DiskSpool spool = new DiskSpool(dir, 100, 4096);
        assertFalse(spool.append("k", "x".repeat(200)));
        assertFalse(spool.isFull(), "no event of usual size would be turned away");
        assertTrue(spool.append("k", json(0)));
        spool.close();
    }

    @Test
    void aTornLastLineIsNotAnEvent() throws Exception {
        DiskSpool spool = new DiskSpool(dir, 1 << 20, 4096);
        spool.append("k", json(1));
        spool.close();
        Path segment;
        try (Stream<Path> s = Files.list(dir)) {
            segment = s.filter(p -> p.toString().endsWith(".spool")).findFirst().orElseThrow();
        }
        Files.writeString(segment, "k\t{\"n\":2,\"tex", java.nio.file.StandardOpenOption.APPEND);
        DiskSpool again = new DiskSpool(dir, 1 << 20, 4096);
        assertEquals(
                List.of(json(1)),
                again.peek(10).stream().map(DiskSpool.Entry::event).toList());
        again.remove(again.peek(10));
        assertTrue(again.isEmpty(), "the torn line is not counted as waiting");
        again.close();
    }

    private long segmentFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".spool")).count();
        }
    }
}
