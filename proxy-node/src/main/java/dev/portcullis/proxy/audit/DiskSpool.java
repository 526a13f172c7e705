package dev.portcullis.proxy.audit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Events waiting on disk while Kafka is unreachable: one line per event ("key TAB json"),
 * appended in order and replayed in order. Bounded by bytes. Used by the publisher thread only.
 * A crash mid-replay may send some events twice; the collector deduplicates on the event id.
 */
final class DiskSpool {
    private final Path file;
    private final long maxBytes;
    private long bytes;

    DiskSpool(Path dir, long maxBytes) {
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
            this.file = dir.resolve("accesslogs.spool");
            this.bytes = Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the audit spool folder " + dir, e);
        }
    }

    boolean isEmpty() {
        return bytes == 0;
    }

    boolean isFull() {
        return bytes >= maxBytes;
    }

    long bytes() {
        return bytes;
    }

    /** @return false when full (the event is not kept) */
    boolean append(String key, String json) {
        String line = key + '\t' + json + '\n';
        byte[] data = line.getBytes(StandardCharsets.UTF_8);
        if (bytes + data.length > maxBytes) {
            return false;
        }
        try {
            Files.write(file, data, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            bytes += data.length;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Up to {@code max} of the oldest events, without removing them. */
    List<String[]> peek(int max) {
        List<String[]> out = new ArrayList<>();
        if (bytes == 0) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while (out.size() < max && (line = r.readLine()) != null) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    out.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Drops the oldest {@code n} events (they have been delivered). */
    void remove(int n) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> rest = lines.subList(Math.min(n, lines.size()), lines.size());
            Path tmp = file.resolveSibling("accesslogs.spool.tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (String l : rest) {
                    w.write(l);
                    w.write('\n');
                }
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
