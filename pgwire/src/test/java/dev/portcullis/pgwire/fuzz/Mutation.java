package dev.portcullis.pgwire.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One structure-aware corruption of a valid byte stream: what a broken or hostile client does to
 * a message. {@code where} and {@code value} are reduced modulo what the input offers, so any
 * mutation applies to any input and jqwik can shrink a failing case to fewer, simpler ones.
 *
 * @param kind what to corrupt
 * @param where which byte, or which message for {@link Kind#LENGTH} and {@link Kind#TAG}
 * @param value the new value, a length delta, or the seed of inserted bytes
 */
record Mutation(Kind kind, int where, int value) {

    enum Kind {
        /** One bit flipped anywhere. */
        FLIP_BIT,
        /** One byte replaced. */
        SET_BYTE,
        /** A message's length field set to an edge value or moved by a few bytes. */
        LENGTH,
        /** A message's type byte replaced. */
        TAG,
        /** Four bytes anywhere overwritten with an edge Int32 (counts, value lengths, codes). */
        INT32,
        /** Two bytes anywhere overwritten with an edge Int16 (parameter and format counts). */
        INT16,
        /** The stream cut short. */
        TRUNCATE,
        /** Random bytes inserted. */
        INSERT,
        /** A range removed. */
        DELETE,
        /** A range repeated (a message sent twice, half a message replayed). */
        DUPLICATE,
        /** A NUL turned into a letter: a string that runs into the next field. */
        CLEAR_NUL
    }

    /** Int32 values at and around every boundary the decoders check. */
    static final int[] EDGE_INTS = {
        Integer.MIN_VALUE,
        -2,
        -1,
        0,
        1,
        2,
        3,
        4,
        5,
        7,
        8,
        9,
        255,
        256,
        257,
        4096,
        8191,
        8192,
        8193,
        9999,
        10000,
        10001,
        0x7fff,
        0x8000,
        0xffff,
        0x10000,
        1 << 30,
        (1 << 30) + 1,
        Integer.MAX_VALUE - 1,
        Integer.MAX_VALUE,
        80877102,
        80877103,
        80877104,
        3 << 16,
        2 << 16
    };

    static Arbitrary<Mutation> any() {
        return Combinators.combine(
                        Arbitraries.of(Kind.class), Arbitraries.integers().greaterOrEqual(0), Arbitraries.integers())
                .as(Mutation::new);
    }

    /** Up to {@code max} mutations; none in about one case of six, so valid streams are checked too. */
    static Arbitrary<List<Mutation>> some(int max) {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.<Mutation>of())),
                net.jqwik.api.Tuple.of(5, any().list().ofMinSize(1).ofMaxSize(max)));
    }

    /** Applies {@code mutations} in order to {@code stream}; the input is not modified. */
    static byte[] applyAll(WireStream stream, List<Mutation> mutations) {
        byte[] bytes = stream.bytes();
        for (Mutation m : mutations) {
            bytes = m.apply(bytes, stream);
        }
        return bytes;
    }

    byte[] apply(byte[] in, WireStream layout) {
        byte[] out = in.clone();
        int n = out.length;
        switch (kind) {
            case FLIP_BIT -> {
                if (n > 0) {
                    out[where % n] ^= (byte) (1 << (Math.floorMod(value, 8)));
                }
            }
            case SET_BYTE -> {
                if (n > 0) {
                    out[where % n] = (byte) value;
                }
            }
            case LENGTH -> {
                if (!layout.lengthFields().isEmpty()) {
                    int at = layout.lengthFields()
                            .get(where % layout.lengthFields().size());
                    if (at + 4 <= n) {
                        int current = readInt(out, at);
                        int replacement = Math.floorMod(value, 3) == 0
                                ? current + Math.floorMod(value, 17) - 8
                                : EDGE_INTS[Math.floorMod(value, EDGE_INTS.length)];
                        writeInt(out, at, replacement);
                    }
                }
            }
            case TAG -> {
                if (!layout.tagOffsets().isEmpty()) {
                    int at = layout.tagOffsets().get(where % layout.tagOffsets().size());
                    if (at < n) {
                        out[at] = (byte) value;
                    }
                }
            }
            case INT32 -> {
                if (n >= 4) {
                    writeInt(out, where % (n - 3), EDGE_INTS[Math.floorMod(value, EDGE_INTS.length)]);
                }
            }
            case INT16 -> {
                if (n >= 2) {
                    int at = where % (n - 1);
                    int v = EDGE_INTS[Math.floorMod(value, EDGE_INTS.length)];
                    out[at] = (byte) (v >>> 8);
                    out[at + 1] = (byte) v;
                }
            }
            case TRUNCATE -> out = Arrays.copyOf(out, n == 0 ? 0 : where % n);
            case INSERT -> {
                Random random = new Random(value);
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                int at = n == 0 ? 0 : where % (n + 1);
                out = splice(out, at, at, extra);
            }
            case DELETE -> {
                if (n > 0) {
                    int at = where % n;
                    int length = 1 + Math.floorMod(value, Math.min(16, n - at));
                    out = splice(out, at, at + length, new byte[0]);
                }
            }
            case DUPLICATE -> {
                if (n > 0) {
                    int at = where % n;
                    int length = 1 + Math.floorMod(value, Math.min(64, n - at));
                    out = splice(out, at, at, Arrays.copyOfRange(out, at, at + length));
                }
            }
            case CLEAR_NUL -> {
                int zeros = 0;
                for (byte b : out) {
                    zeros += b == 0 ? 1 : 0;
                }
                if (zeros > 0) {
                    int target = where % zeros;
                    for (int i = 0; i < n; i++) {
                        if (out[i] == 0 && target-- == 0) {
                            out[i] = 'x';
                            break;
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        return out;
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + replacement.length);
        out.write(in, 0, from);
        out.writeBytes(replacement);
        out.write(in, to, in.length - to);
        return out.toByteArray();
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
