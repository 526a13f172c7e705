package dev.portcullis.proxy.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Events waiting on disk while Kafka is unreachable: one line per event ("key TAB event": the event as JSON or base64 protobuf, see {@link EncodedEvent#spooled}),
 * appended in order and replayed in order. Bounded by bytes. Used by the publisher thread only.
 *
 * <p>Lines go to numbered segment files ({@code 00000001.spool}, ...), a new one every
 * {@link #SEGMENT_BYTES} (16 MiB); replay reads from the oldest at a position kept in {@code position},
 * and deletes a segment once it has been delivered. Appending and replaying therefore cost the
 * size of the events, not the size of the spool. A crash may replay some events twice (the
 * position is written after delivery); the collector deduplicates on the event id.
 */
final class DiskSpool implements AutoCloseable {
    static final long SEGMENT_BYTES = 16L << 20;
    private static final String SUFFIX = ".spool";

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Path positionFile;
    /** Segment number to its file; the first is being replayed, the last appended to. */
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    /** Bytes of the first segment already delivered. */
    private long position;
    /** Bytes not delivered yet, in all segments. */
    private volatile long bytes; // read by event loops (isFull), written by the publisher thread only

    private FileChannel tail;
    private long tailSize;
    /**
     * The size of the last line turned away for lack of room, 0 when none: the spool stays full
     * until that line would fit. Without it "full" meant bytes >= max while an append was refused
     * already at bytes + line > max, so a Service that refuses sessions when events cannot be kept
     * went on accepting them while their events were lost.
     */
    private volatile long refusedLine;

    DiskSpool(Path dir, long maxBytes) {
        this(dir, maxBytes, SEGMENT_BYTES);
    }

    DiskSpool(Path dir, long maxBytes, long segmentBytes) {
        this.segmentBytes = segmentBytes;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.positionFile = dir.resolve("position");
        try {
            Files.createDirectories(dir);
            Path legacy = dir.resolve("accesslogs.spool"); // the single-file spool of 0.1: replayed first
            if (Files.exists(legacy)) {
                Files.move(legacy, dir.resolve(String.format("%08d%s", 0, SUFFIX)));
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().matches("\\d+\\" + SUFFIX))
                        .forEach(p -> segments.put(
                                Long.parseLong(p.getFileName().toString().replace(SUFFIX, "")), p));
            }
            if (!segments.isEmpty()) {
                dropTornLine(segments.lastEntry().getValue());
            }
            for (Path p : segments.values()) {
                bytes += Files.size(p);
            }
            if (!segments.isEmpty() && Files.exists(positionFile)) {
                position = Math.min(
                        Long.parseLong(Files.readString(positionFile).trim()),
                        Files.size(segments.firstEntry().getValue()));
                bytes -= position;
            }
            if (bytes == 0) {
                clear();
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot use the audit spool folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A crash in the middle of an append leaves a line without its end: it was never spooled. */
    private static void dropTornLine(Path segment) throws IOException {
        byte[] data = Files.readAllBytes(segment);
        int end = data.length;
        while (end > 0 && data[end - 1] != '\n') {
            end--;
        }
        if (end < data.length) {
            try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
    }

    boolean isEmpty() {
        return bytes == 0;
    }

    /** True when the last event offered could not be kept, and would still not fit; or no room is left at all. */
    boolean isFull() {
        return bytes >= maxBytes || (refusedLine > 0 && bytes + refusedLine > maxBytes);
    }

    long bytes() {
        return bytes;
    }

    /** @return false when full or unwritable (the event is not kept) */
    boolean append(String key, String event) {
        byte[] data = (key + '\t' + event + '\n').getBytes(StandardCharsets.UTF_8);
        if (bytes + data.length > maxBytes) {
            if (data.length <= maxBytes) {
                refusedLine = data.length; // a line larger than the whole spool would latch "full" for ever
            }
            return false;
        }
        try {
            if (tail == null || tailSize >= segmentBytes) {
                roll();
            }
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                tail.write(buf);
            }
            tailSize += data.length;
            bytes += data.length;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One spooled event and the bytes its line takes. */
    record Entry(String key, String event, int lineBytes) {}

    /** Up to {@code max} of the oldest events, without removing them. */
    List<Entry> peek(int max) {
        List<Entry> out = new ArrayList<>();
        long at = position;
        try {
            for (Path segment : segments.values()) {
                try (FileChannel in = FileChannel.open(segment, StandardOpenOption.READ)) {
                    readLines(in, at, max, out);
                }
                if (out.size() >= max) {
                    break;
                }
                at = 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void readLines(FileChannel in, long from, int max, List<Entry> out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long at = from;
        byte[] pending = new byte[0];
        while (out.size() < max) {
            buf.clear();
            int n = in.read(buf, at);
            if (n <= 0) {
                return; // an unterminated last line is an append cut short: not an event yet
            }
            at += n;
            byte[] chunk = new byte[pending.length + n];
            System.arraycopy(pending, 0, chunk, 0, pending.length);
            System.arraycopy(buf.array(), 0, chunk, pending.length, n);
            int start = 0;
            for (int i = 0; i < chunk.length && out.size() < max; i++) {
                if (chunk[i] == '\n') {
                    String line = new String(chunk, start, i - start, StandardCharsets.UTF_8);
                    int tab = line.indexOf('\t');
                    out.add(new Entry(tab > 0 ? line.substring(0, tab) : "", line.substring(tab + 1), i - start + 1));
                    start = i + 1;
                }
            }
            pending = Arrays.copyOfRange(chunk, start, chunk.length);
        }
    }

    /** Drops the given oldest events (they have been delivered). */
    void remove(List<Entry> delivered) {
        long n = 0;
        for (Entry e : delivered) {
            n += e.lineBytes();
        }
        try {
            bytes -= n;
            position += n;
            while (!segments.isEmpty()
                    && position >= Files.size(segments.firstEntry().getValue())
                    && segments.size() > 1) {
                position -= Files.size(segments.firstEntry().getValue());
                Files.deleteIfExists(segments.pollFirstEntry().getValue());
            }
            if (bytes == 0) {
                clear();
            } else {
                Files.writeString(positionFile, Long.toString(position));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void roll() throws IOException {
        if (tail != null) {
            tail.close();
        }
        long next = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        Path p = dir.resolve(String.format("%08d%s", next, SUFFIX));
        tail = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        tailSize = tail.size();
        segments.put(next, p);
    }

    /** Everything delivered: start again from an empty folder. */
    private void clear() throws IOException {
        close();
        for (Path p : segments.values()) {
            Files.deleteIfExists(p);
        }
        segments.clear();
        Files.deleteIfExists(positionFile);
        position = 0;
        bytes = 0;
        refusedLine = 0;
    }

    @Override
    public void close() {
        if (tail != null) {
            try {
                tail.close();
            } catch (IOException ignored) {
                // nothing was buffered: every append went straight to the file
            }
            tail = null;
        }
    }
}
