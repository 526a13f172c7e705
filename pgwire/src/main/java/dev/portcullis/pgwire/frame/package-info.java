/**
 * Framing: turning accumulated bytes into messages without copying.
 *
 * <p>Flow on a client connection:
 * <ol>
 *   <li>{@link dev.portcullis.pgwire.frame.StartupPacketDecoder} reads untagged packets (8 to
 *       10000 bytes): SSLRequest/GSSENCRequest (answered with one byte; then the input must be
 *       empty before the TLS handshake), CancelRequest (the connection ends after it), or the
 *       StartupMessage.
 *   <li>{@link dev.portcullis.pgwire.frame.FrameDecoder} then reads tagged messages with
 *       {@link dev.portcullis.pgwire.frame.FrameLimits#BEFORE_AUTHENTICATION} (8 KiB, enough for
 *       the password message), switched to
 *       {@link dev.portcullis.pgwire.frame.FrameLimits#AFTER_AUTHENTICATION} (1 GiB, streaming
 *       above 64 KiB) once the client is in.
 *   <li>Each call yields a {@link dev.portcullis.pgwire.frame.Frame} (a whole message) or, for a
 *       large body, a {@link dev.portcullis.pgwire.frame.FrameHeader} and then
 *       {@link dev.portcullis.pgwire.frame.FrameChunk}s as bytes arrive. Every event is a retained
 *       slice of the input whose content is the original bytes: forwarding is writing the events
 *       in order; the receiver releases them.
 * </ol>
 * A Netty {@code ByteToMessageDecoder} drives a decoder by calling {@code next(cumulation)} until
 * it returns {@code null}; on a {@link dev.portcullis.pgwire.ProtocolException} it answers with
 * an ErrorResponse and closes, since the stream cannot be resynchronised.
 */
package dev.portcullis.pgwire.frame;
