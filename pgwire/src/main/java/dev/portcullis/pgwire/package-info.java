/**
 * Portcullis's PostgreSQL v3 wire protocol library: pure, no IO, no framework. Depends on
 * {@code io.netty.buffer} (for zero-copy slices) and {@code com.ongres.scram} only.
 *
 * <p>A connection as the proxy sees it, and the package that handles each step:
 *
 * <pre>
 *  client -&gt; proxy   SSLRequest / GSSENCRequest      frame.StartupPacketDecoder
 *  proxy -&gt; client   'S' or 'N' (one unframed byte), then the TLS handshake
 *  client -&gt; proxy   StartupMessage                  message.frontend.StartupMessage
 *  proxy -&gt; client   AuthenticationCleartextPassword message.backend
 *  client -&gt; proxy   PasswordMessage (access token)  frame.FrameDecoder, BEFORE_AUTHENTICATION
 *                     ... authorize, connect upstream ...
 *  proxy -&gt; server   StartupMessage (forced user/database)
 *  server &lt;-&gt; proxy Authentication* (SCRAM/MD5/cleartext)  auth.UpstreamAuthenticator
 *  server -&gt; proxy   ParameterStatus*, BackendKeyData, ReadyForQuery
 *  proxy -&gt; client   AuthenticationOk, ParameterStatus*, proxy-minted BackendKeyData,
 *                     ReadyForQuery
 *  client -&gt; server  Query/Parse/Bind/...: FrameDecoder(FRONTEND, AFTER_AUTHENTICATION); frames
 *                     forwarded verbatim, decoded (message.frontend) to audit
 *  server -&gt; client  RowDescription/DataRow/CopyData...: FrameDecoder(BACKEND); large bodies
 *                     streamed as chunks, never buffered whole
 * </pre>
 *
 * <p>This package holds what every layer shares: {@link dev.portcullis.pgwire.SqlState} and the
 * {@link dev.portcullis.pgwire.ProtocolException} family, each carrying the SQLSTATE to report.
 */
package dev.portcullis.pgwire;
