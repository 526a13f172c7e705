/**
 * Primitive encodings shared by every message: Int16/Int32 big-endian, NUL-terminated UTF-8
 * strings, Int32-length-prefixed values with -1 for NULL, and the {@code tag, length} header
 * written with a back-filled length.
 *
 * <p>Flow: a message decoder reads its body left to right with these helpers and ends with
 * {@code requireEnd}; any shortfall (a string without its NUL, a value longer than the message)
 * is a {@link dev.portcullis.pgwire.ProtocolException}, never an {@code IndexOutOfBoundsException}.
 * Encoders call {@code beginMessage}, write the body, then {@code endMessage}.
 */
package dev.portcullis.pgwire.codec;
