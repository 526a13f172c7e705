package dev.portcullis.pgwire;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;

/** Hex helpers for tests. */
public final class Hex {

    private Hex() {}

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** All messages of a transcript, back to back, as a client or server wrote them. */
    public static byte[] concat(List<String> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String message : messages) {
            out.writeBytes(bytes(message));
        }
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
