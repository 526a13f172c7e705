package dev.portcullis.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Small file helpers: log tails for error messages, recursive deletion. */
final class FileUtil {

    /** System property: keep the folders of closed clusters and brokers (to read their logs). */
    static final String KEEP_PROPERTY = "portcullis.testkit.keep";

    private FileUtil() {}

    /** The last {@code maxLines} lines of a (possibly large) log file, for exception messages. */
    static String tail(Path file, int maxLines) {
        if (file == null || !Files.isRegularFile(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, 32 * 1024);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            int from = Math.max(0, lines.length - maxLines);
            StringBuilder out =
                    new StringBuilder("--- last lines of ").append(file).append(" ---\n");
            for (int i = from; i < lines.length; i++) {
                out.append(lines[i]).append('\n');
            }
            return out.toString();
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** What was appended to a file after {@code offset} (at most the last 64 KiB of it). */
    static String readFrom(Path file, long offset) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(offset, in.length() - 64 * 1024);
            byte[] bytes = new byte[(int) Math.max(0, in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static boolean keepFolders() {
        return Boolean.getBoolean(KEEP_PROPERTY);
    }

    /** Deletes a cluster's or broker's folder unless {@value #KEEP_PROPERTY} is set. */
    static void deleteUnlessKept(Path root) {
        if (!keepFolders()) {
            deleteTree(root);
        }
    }

    /** Deletes a folder tree; quietly, because it runs on close and in the shutdown hook. */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a server still writing as we delete: what is left is in the temp folder
        }
    }
}
