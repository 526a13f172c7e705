/**
 * A live session's bytes, both ways, on the client's event loop, with backpressure each way.
 *
 * <pre>
 *  client -> FrontendFrames (pgwire framer: whole frames, or header + chunks past the stream threshold)
 *         -> ClientToUpstream  counts, audits (AuditTap), queues what the server will answer
 *                              (ServerProgress); under authorization mode ALL holds each
 *                              Query/Parse/FunctionCall for MessageGate's decision (whole, up to the
 *                              authorized-statement size; larger: refused unread) -> upstream
 *  upstream -> UpstreamToClient  bytes undecoded; BackendStream, the one reader of this side, follows
 *                                message boundaries (a FATAL the proxy adds lands between messages),
 *                                retires what each message answers in ServerProgress (is a statement
 *                                running?), and swaps a denied statement's stand-in error for the
 *                                proxy's 42501 -> client
 * </pre>
 *
 * The relay knows its session only as a {@link dev.portcullis.proxy.relay.RelayedSession}; the session
 * holds the {@link dev.portcullis.proxy.relay.Relay} handle to end it and read its traffic.
 */
package dev.portcullis.proxy.relay;
