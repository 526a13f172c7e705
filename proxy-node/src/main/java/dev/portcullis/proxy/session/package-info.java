/**
 * One client connection from accept to close, and the only owner of its state
 * ({@link dev.portcullis.proxy.session.ClientConnection}, moving through
 * {@link dev.portcullis.proxy.session.SessionState}).
 *
 * <pre>
 *  client bytes
 *    ProxyHeaderHandler     PROXY v1/v2 header from a trusted balancer -> the real client address
 *    DirectTlsDetector      0x16 first: direct TLS (PostgreSQL 17) -> SslHandler in its place
 *    ClientHandshakeHandler AWAIT_STARTUP: SSLRequest 'S' -> TLS | GSSENCRequest 'N' | CancelRequest -> forwarded
 *                           StartupMessage -> settings checked (StartupParameters) -> AuthenticationCleartextPassword
 *                           AWAIT_TOKEN: PasswordMessage = the access token -> AUTHORIZING: Authorize (policy-service)
 *    SessionStarter         the Service, once, into a SessionPlan -> CONNECTING -> UPSTREAM_AUTH (auth.upstream)
 *                           -> AuthenticationOk, ParameterStatus*, BackendKeyData (proxy-minted), ReadyForQuery
 *                           -> READY: the relay replaces the handshake handler
 *    LiveSessions           re-decides live sessions when their Session, User or policies change
 * </pre>
 *
 * Every refusal before READY is a {@link dev.portcullis.proxy.session.Refusal} through
 * {@link dev.portcullis.proxy.session.Refusals#refuse}: logged, counted, audited when it says so, and a
 * FATAL ErrorResponse.
 */
package dev.portcullis.proxy.session;
