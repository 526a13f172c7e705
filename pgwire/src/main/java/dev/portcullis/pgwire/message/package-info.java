/**
 * Decoded protocol messages: {@link dev.portcullis.pgwire.message.FrontendMessage} (client to
 * server) and {@link dev.portcullis.pgwire.message.BackendMessage} (server to client), one small
 * record per message named as in the PostgreSQL documentation ("Message Formats"), each with a
 * static {@code decode(body)} and an {@code encode(out)} that writes the whole message.
 *
 * <p>Flow: a {@code Frame}'s body goes to {@code FrontendMessages.decode} or
 * {@code BackendMessages.decode} (by tag) when the proxy needs the contents (audit, policy, login);
 * otherwise the frame is forwarded undecoded. Records that carry secrets print {@code <not shown>}.
 */
package dev.portcullis.pgwire.message;
