package dev.portcullis.proxy.session;

import dev.portcullis.api.v1.AuthorizeRequest;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.PostgresConnectRequest;
import dev.portcullis.api.v1.PostgresRequest;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameDecoder;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.pgwire.frame.StartupPacketDecoder;
import dev.portcullis.pgwire.message.backend.AuthenticationCleartextPassword;
import dev.portcullis.pgwire.message.backend.NegotiateProtocolVersion;
import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.pgwire.message.frontend.GSSENCRequest;
import dev.portcullis.pgwire.message.frontend.PasswordMessage;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import dev.portcullis.pgwire.protocol.Direction;
import dev.portcullis.pgwire.protocol.FrontendTag;
import dev.portcullis.proxy.auth.client.AuthFailureLimiter;
import dev.portcullis.proxy.auth.client.ClientToken;
import dev.portcullis.proxy.limits.FailureBudget;
import dev.portcullis.proxy.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The client side of connection setup, following the connection's {@link SessionState}:
 *
 * <pre>
 *   AWAIT_STARTUP  SSLRequest -> 'S', TLS (once) | GSSENCRequest -> 'N' | CancelRequest -> forwarded, CLOSING
 *                  (or TLS began at once, without an SSLRequest: {@link DirectTlsDetector}; ALPN must say postgresql)
 *                  StartupMessage -> checks -> AuthenticationCleartextPassword, AWAIT_TOKEN
 *                  (a source that failed too many access tokens is refused here: {@link AuthFailureLimiter})
 *   TLS            handshake done -> AWAIT_STARTUP
 *   AWAIT_TOKEN    PasswordMessage (the access token; small length cap) -> AUTHORIZING (policy-service)
 *   AUTHORIZING    allowed -> {@link SessionStarter}: CONNECTING, UPSTREAM_AUTH, READY (the relay replaces this handler)
 * </pre>
 *
 * Every refusal goes through {@link Refusals#refuse}: a FATAL ErrorResponse with its SQLSTATE.
 * Bytes a client sends after an SSLRequest but before the TLS handshake are refused
 * (CVE-2021-23214), as is a second SSLRequest; bytes sent while nothing is expected are a protocol
 * violation.
 */
final class ClientHandshakeHandler extends ByteToMessageDecoder {
    private static final Logger LOG = Logger.getLogger(ClientHandshakeHandler.class);
    private static final ByteBuf SSL_YES = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'S'}));
    private static final ByteBuf SSL_NO = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'N'}));

    private final ConnectionContext context;
    private final ClientConnection connection;
    private final StartupPacketDecoder startupDecoder = new StartupPacketDecoder();
    private final FrameDecoder frames;
    private ScheduledFuture<?> deadline;

    ClientHandshakeHandler(ConnectionContext context, ClientConnection connection) {
        this.context = context;
        this.connection = connection;
        int cap = context.config().limits().preAuthMessageBytes();
        this.frames = new FrameDecoder(Direction.FRONTEND, FrameLimits.wholeMessages(cap));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long startup = context.config().timeouts().startup().toMillis();
        deadline = ctx.executor()
                .schedule(
                        () -> timeout(
                                ctx,
                                "no startup message within "
                                        + context.config().timeouts().startup().toSeconds() + " s"),
                        startup,
                        TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        SessionState state = connection.state();
        if (state == SessionState.CLOSING) {
            in.skipBytes(in.readableBytes()); // a FATAL is on its way: nothing the client sends now is read
            return;
        }
        try {
            if (!state.readsClient()) {
                if (in.isReadable()) {
                    throw new ProtocolException("the client sent a message before authentication completed");
                }
            } else if (state == SessionState.AWAIT_STARTUP) {
                startup(ctx, in);
            } else {
                password(ctx, in); // AWAIT_TOKEN: READY is the relay's, which replaced this handler
            }
        } catch (ProtocolException e) {
            in.skipBytes(in.readableBytes());
            refuse(Refusal.of(e.sqlState(), "protocol_violation", e.getMessage(), null));
        }
    }

    private void startup(ChannelHandlerContext ctx, ByteBuf in) {
        StartupPacket packet = startupDecoder.next(in);
        if (packet == null) {
            return;
        }
        if (packet instanceof SSLRequest) {
            if (connection.tls()) {
                throw new ProtocolException("a second SSLRequest on an encrypted connection");
            }
            if (in.isReadable()) {
                throw new ProtocolException("data received after SSLRequest but before the TLS handshake");
            }
            connection.tlsRequested();
            ctx.writeAndFlush(SSL_YES.duplicate());
            ctx.pipeline()
                    .addFirst(ClientConnection.TLS_HANDLER, context.serverTls().newHandler(ctx.alloc()));
        } else if (packet instanceof GSSENCRequest) {
            if (in.isReadable()) {
                throw new ProtocolException("data received after GSSENCRequest");
            }
            ctx.writeAndFlush(SSL_NO.duplicate());
        } else if (packet instanceof CancelRequest cancel) {
            connection.state(SessionState.CLOSING); // the forwarder answers and closes, as PostgreSQL does
            cancelDeadline();
            context.cancels().forward(cancel, ctx.channel(), connection.clientAddress());
        } else if (packet instanceof StartupMessage startup) {
            onStartup(ctx, startup);
        }
    }

    private void onStartup(ChannelHandlerContext ctx, StartupMessage startup) {
        connection.startup(startup);
        if (StartupParameters.wantsReplication(startup.parameters())) {
            refuse(Refusal.of(
                    SqlState.FEATURE_NOT_SUPPORTED,
                    "replication",
                    "replication connections are not supported through Portcullis",
                    "connect to the database directly for replication"));
            return;
        }
        if (startup.user() == null || startup.user().isEmpty()) {
            refuse(Refusal.of(
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no_user",
                    "no PostgreSQL user name specified in startup packet",
                    null));
            return;
        }
        try {
            // read now, so that policy decides on them (ctx.request.postgres.connect.parameters); checked at the
            // decision
            connection.settings(StartupParameters.requested(startup.parameters()));
        } catch (StartupParameters.Refused e) {
            refuse(Refusal.of(e.sqlState(), "startup_parameter", e.getMessage(), e.hint()));
            return;
        }
        if (!connection.tls() && !context.config().listen().allowPlaintextToken()) {
            refuse(Refusal.of(
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "plaintext_token",
                    "Portcullis accepts access tokens only over TLS",
                    "connect with sslmode=require (psql \"sslmode=require host=... \")"));
            return;
        }
        Duration wait = context.authFailures().retryAfter(source(ctx));
        if (!wait.isZero()) {
            refuseLimited(ctx, wait);
            return;
        }
        NegotiateProtocolVersion.required(startup).ifPresent(n -> ctx.write(n.encode(ctx.alloc())));
        connection.state(SessionState.AWAIT_TOKEN);
        ctx.writeAndFlush(AuthenticationCleartextPassword.INSTANCE.encode(ctx.alloc()));
        restartDeadline(
                ctx,
                context.config().timeouts().authentication().toMillis(),
                "no password (access token) within "
                        + context.config().timeouts().authentication().toSeconds() + " s");
    }

    private void password(ChannelHandlerContext ctx, ByteBuf in) {
        FrameEvent event = frames.next(in);
        if (event == null) {
            return;
        }
        String token;
        try {
            if (!(event instanceof Frame frame) || frame.tag() != FrontendTag.PASSWORD_MESSAGE) {
                throw new ProtocolException(
                        "expected a password message, got " + Direction.FRONTEND.tagName(tagOf(event)));
            }
            token = ClientToken.from(PasswordMessage.decode(frame.body()));
        } finally {
            event.release();
        }
        connection.state(SessionState.AUTHORIZING);
        cancelDeadline();
        ctx.channel().config().setAutoRead(false);
        // a turn to be checked: at once, or when this source's running checks leave room (FailureBudget)
        Runnable leaveQueue = context.authFailures().check(source(ctx), new FailureBudget.Waiter() {
            @Override
            public void granted(FailureBudget.Permit permit) {
                ctx.executor().execute(() -> {
                    if (connection.state() == SessionState.CLOSING
                            || !ctx.channel().isActive()) {
                        context.authFailures().accepted(permit);
                        return;
                    }
                    cancelDeadline();
                    authorize(ctx, token, permit);
                });
            }

            @Override
            public void refused(Duration retryAfter) {
                ctx.executor().execute(() -> refuseLimited(ctx, retryAfter));
            }
        });
        ctx.channel().closeFuture().addListener(closed -> leaveQueue.run());
        restartDeadline(
                ctx,
                context.config().timeouts().authentication().toMillis(),
                "the access token was not checked"
                        + " within "
                        + context.config().timeouts().authentication().toSeconds() + " s (too many logins from this"
                        + " address at once)");
    }

    private InetAddress source(ChannelHandlerContext ctx) {
        return AuthFailureLimiter.source(connection.clientAddress());
    }

    /** The source failed too many access tokens: refused quickly, policy-service not asked, logged and audited. */
    private void refuseLimited(ChannelHandlerContext ctx, Duration wait) {
        if (connection.state() == SessionState.CLOSING) {
            return;
        }
        InetAddress source = source(ctx);
        String user = connection.startup() == null ? null : connection.startup().user();
        context.authFailures().limited(source, user, connection.service(), wait);
        refuse(Refusal.of(
                        SqlState.SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION,
                        "auth_rate_limited",
                        context.authFailures().refusal(source, wait),
                        "use a valid Portcullis access token (portcullis create session USER); the failed attempts were logged")
                .audited("AUTHENTICATION_RATE_LIMITED"));
    }

    private void authorize(ChannelHandlerContext ctx, String token, FailureBudget.Permit permit) {
        StartupMessage s = connection.startup();
        String clientAddress = connection.clientAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : String.valueOf(connection.clientAddress());
        AuthorizeRequest request = AuthorizeRequest.newBuilder()
                .setAccessToken(token)
                .setService(connection.service())
                .setClientAddress(clientAddress)
                .setPostgres(PostgresRequest.newBuilder()
                        .setConnect(PostgresConnectRequest.newBuilder()
                                .setUser(s.user())
                                // PostgreSQL's own default, applied before the decision as the server would
                                .setDatabase(s.databaseOrUser())
                                .setApplicationName(s.applicationName() == null ? "" : s.applicationName())
                                .putAllParameters(connection.settings())))
                .build();
        connection.connectRequest(request);
        context.policy()
                .authorize(request)
                .subscribe()
                .with(
                        decision -> ctx.executor().execute(() -> onDecision(ctx, decision, permit)),
                        failure -> ctx.executor().execute(() -> {
                            context.authFailures().accepted(permit);
                            LOG.warnf(
                                    "policy-service could not decide for %s: %s",
                                    connection.describe(), failure.toString());
                            // the client is told no more than that; the trail keeps what went wrong
                            refuse(Refusal.of(
                                            SqlState.SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION,
                                            "policy_unavailable",
                                            "authorization is unavailable, so the connection is refused",
                                            "try again shortly; if it persists, tell the Portcullis operators")
                                    .audited(
                                            "POLICY_UNAVAILABLE",
                                            "policy-service could not decide: " + failure.getMessage()));
                        }));
    }

    private void onDecision(ChannelHandlerContext ctx, AuthorizeResponse decision, FailureBudget.Permit permit) {
        connection.authorization(decision);
        if (decision.getAuthenticated()) {
            context.authFailures().accepted(permit);
        } else {
            context.authFailures()
                    .rejected(
                            permit,
                            source(ctx),
                            connection.startup().user(),
                            connection.service(),
                            decision.getReason().getMessage());
        }
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!decision.getAuthenticated()) {
            refuse(Refusal.of(
                            SqlState.INVALID_PASSWORD,
                            "bad_token",
                            "access token rejected: " + decision.getReason().getMessage(),
                            "the password must be a valid Portcullis access token (portcullis create session USER)")
                    .audited(Refusal.DECISION_REASON, decision.getReason().getMessage()));
            return;
        }
        if (!decision.getAuthorized()) {
            refuse(Refusal.of(
                            SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                            "not_authorized",
                            "not authorized to connect to Service " + connection.service() + ": "
                                    + decision.getReason().getMessage(),
                            null)
                    .audited(Refusal.DECISION_REASON, decision.getReason().getMessage()));
            return;
        }
        new SessionStarter(context, connection).start(ctx);
    }

    private void timeout(ChannelHandlerContext ctx, String what) {
        refuse(Refusal.of(SqlState.PROTOCOL_VIOLATION, "setup_timeout", "connection setup timed out: " + what, null));
    }

    private void refuse(Refusal refusal) {
        cancelDeadline();
        Refusals.refuse(context, connection, refusal);
    }

    private void restartDeadline(ChannelHandlerContext ctx, long millis, String what) {
        cancelDeadline();
        deadline = ctx.executor().schedule(() -> timeout(ctx, what), millis, TimeUnit.MILLISECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private static byte tagOf(FrameEvent e) {
        return e instanceof Frame f ? f.tag() : (e instanceof dev.portcullis.pgwire.frame.FrameHeader h ? h.tag() : 0);
    }

    /**
     * Direct TLS needs ALPN {@code postgresql}, as PostgreSQL 17 requires: it is what tells a TLS
     * endpoint that the client speaks PostgreSQL inside, so a client of some other protocol (an HTTPS
     * probe, a misdirected connection) is told, not read as a startup packet. A client offering other
     * protocols only was already refused by the handshake (no_application_protocol).
     */
    /**
     * The TLS handshake is done: the startup packet comes next. Direct TLS needs ALPN
     * {@code postgresql}, as PostgreSQL 17 requires: it is what tells a TLS endpoint that the client
     * speaks PostgreSQL inside, so a client of some other protocol (an HTTPS probe, a misdirected
     * connection) is told, not read as a startup packet. A client offering other protocols only was
     * already refused by the handshake (no_application_protocol).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done
                && done.isSuccess()
                && connection.state() == SessionState.TLS) {
            connection.state(SessionState.AWAIT_STARTUP);
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (connection.isDirectTls() && !ServerTls.ALPN_POSTGRESQL.equals(tls.applicationProtocol())) {
                refuse(
                        Refusal.of(
                                SqlState.PROTOCOL_VIOLATION,
                                "direct_tls_without_alpn",
                                "direct TLS connections must negotiate the ALPN protocol \"" + ServerTls.ALPN_POSTGRESQL
                                        + "\"; this client offered none",
                                "use sslnegotiation=postgres, or a client that sends ALPN \"postgresql\" (libpq 17, pgjdbc 42.7.4+)"));
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause.getCause() instanceof ProtocolException ? cause.getCause() : cause;
        if (c instanceof ProtocolException p) {
            refuse(Refusal.of(p.sqlState(), "protocol_violation", p.getMessage(), null));
        } else {
            LOG.debugf("closing %s: %s", connection.describe(), c.toString());
            if (connection.state() != SessionState.CLOSING) {
                connection.state(SessionState.CLOSING);
            }
            ctx.close();
        }
    }
}
