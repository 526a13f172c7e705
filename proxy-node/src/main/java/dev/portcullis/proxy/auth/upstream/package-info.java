/**
 * The proxy's own login to the upstream, with the Secret's password, on the client's event loop.
 *
 * <pre>
 *  UpstreamConnector   TCP connect (one timeout for the whole login)
 *  UpstreamLoginHandler
 *     [SSLRequest -> 'S' -> TLS handshake (UpstreamTls: sslMode, caFromSecret) | 'N' (PREFER only)]
 *     StartupMessage(the plan's user, database, forwarded settings)
 *     Authentication* <-> SCRAM-SHA-256(-PLUS) / MD5 / cleartext (pgwire's UpstreamAuthenticator),
 *                        only the methods UpstreamAuthMethods allows on this link (requireAuth)
 *     ParameterStatus*, BackendKeyData, ReadyForQuery -> UpstreamLink (the handler leaves the pipeline)
 * </pre>
 *
 * A failure is an {@link dev.portcullis.proxy.auth.upstream.UpstreamLoginException} fit for the client
 * (never the password), with the upstream's SQLSTATE when it refused the login itself.
 */
package dev.portcullis.proxy.auth.upstream;
