/**
 * Messages a client sends.
 *
 * <p>Flow: startup ({@link dev.portcullis.pgwire.message.frontend.StartupPacket}: SSLRequest,
 * GSSENCRequest, CancelRequest, StartupMessage, all untagged); authentication ({@code 'p'}:
 * PasswordMessage, SASLInitialResponse, SASLResponse, told apart by the exchange in progress, see
 * {@link dev.portcullis.pgwire.message.frontend.PasswordMessageKind}); then simple queries
 * (Query), the extended protocol (Parse, Bind, Describe, Execute, Close, terminated by Sync;
 * Flush to get results early; pgjdbc pipelines P/B/D/E/S in one write), COPY (CopyData,
 * CopyDone, CopyFail), the fast path (FunctionCall) and Terminate.
 */
package dev.portcullis.pgwire.message.frontend;
