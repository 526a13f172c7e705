/**
 * Upstream authentication, client side: how the proxy logs in to the real PostgreSQL server with
 * a stored password the user never sees.
 *
 * <p>Flow, driven by {@link dev.portcullis.pgwire.auth.UpstreamAuthenticator} one server message
 * at a time:
 * <pre>
 *   &lt;=BE AuthenticationCleartextPassword  FE=&gt; PasswordMessage(password)
 *   &lt;=BE AuthenticationMD5Password(salt)  FE=&gt; PasswordMessage(Md5Password.encode(...))
 *   &lt;=BE AuthenticationSASL               FE=&gt; SASLInitialResponse(client-first)
 *   &lt;=BE AuthenticationSASLContinue       FE=&gt; SASLResponse(client-final)
 *   &lt;=BE AuthenticationSASLFinal          (server signature verified)
 *   &lt;=BE AuthenticationOk
 * </pre>
 * SCRAM-SHA-256 and -PLUS run through {@link dev.portcullis.pgwire.auth.ScramSession}
 * (com.ongres.scram, as pgjdbc); channel binding is {@code tls-server-end-point}, negotiated up
 * front and never silently downgraded when required; a server cannot demand more PBKDF2
 * iterations than configured. Passwords and SASL messages are never logged.
 */
package dev.portcullis.pgwire.auth;
