package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.api.model.SslMode;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.auth.AuthenticationFailedException;
import dev.portcullis.pgwire.auth.ChannelBinding;
import dev.portcullis.pgwire.auth.ChannelBindingMode;
import dev.portcullis.pgwire.auth.UpstreamAuthOptions;
import dev.portcullis.pgwire.auth.UpstreamAuthenticator;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameDecoder;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.backend.Authentication;
import dev.portcullis.pgwire.message.backend.AuthenticationSASLContinue;
import dev.portcullis.pgwire.message.backend.BackendKeyData;
import dev.portcullis.pgwire.message.backend.BackendMessages;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.message.backend.ParameterStatus;
import dev.portcullis.pgwire.message.backend.ReadyForQuery;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import dev.portcullis.pgwire.protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Promise;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Logs in to the upstream with the injected password, as a client would:
 *
 * <pre>
 *   [SSLRequest -> 'S' -> TLS handshake | 'N' (PREFER only)]
 *   StartupMessage(user, database, forwarded params)
 *   Authentication* <-> password / MD5 / SCRAM (pgwire's UpstreamAuthenticator)
 *   ParameterStatus*, BackendKeyData, ReadyForQuery  -> the promise completes with the link
 * </pre>
 *
 * Any failure completes the promise with an {@link UpstreamLoginException} whose message is fit
 * for the client (never the password) and closes the connection.
 */
final class UpstreamLoginHandler extends ByteToMessageDecoder {
    private enum Phase {
        SSL_ANSWER,
        TLS_HANDSHAKE,
        LOGIN,
        DONE
    }

    private final UpstreamTarget target;
    private final Promise<UpstreamLink> result;
    private final int maxScramIterations;
    /** Where SCRAM proofs are computed: not the event loop. */
    private final java.util.concurrent.Executor crypto;

    private final FrameDecoder frames = new FrameDecoder(Direction.BACKEND, FrameLimits.wholeMessages(1 << 20));
    private final List<Map.Entry<String, String>> parameters = new ArrayList<>();
    private UpstreamAuthenticator authenticator;
    private Phase phase;
    private boolean tls;
    private ChannelBinding binding;
    private BackendKeyData key;

    UpstreamLoginHandler(
            UpstreamTarget target,
            Promise<UpstreamLink> result,
            int maxScramIterations,
            java.util.concurrent.Executor crypto) {
        this.crypto = crypto;
        this.target = target;
        this.result = result;
        this.maxScramIterations = maxScramIterations;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (target.sslMode() == SslMode.DISABLE) {
            if (target.channelBinding() == ChannelBindingMode.REQUIRE) {
                // the API refuses this combination; a config written before that check still fails closed
                fail(ctx, "channel binding is required (channelBinding REQUIRE), but sslMode DISABLE rules out TLS");
                return;
            }
            sendStartup(ctx);
        } else {
            phase = Phase.SSL_ANSWER;
            ctx.writeAndFlush(SSLRequest.INSTANCE.encode(ctx.alloc()));
        }
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            if (phase == Phase.SSL_ANSWER) {
                sslAnswer(ctx, in);
                return;
            }
            while (phase == Phase.LOGIN) {
                FrameEvent event = frames.next(in);
                if (event == null) {
                    return;
                }
                try {
                    if (!(event instanceof Frame frame)) {
                        throw new ProtocolException("upstream sent an oversize message during login");
                    }
                    onMessage(ctx, frame);
                } finally {
                    event.release();
                }
            }
            if (phase == Phase.DONE && in.isReadable()) {
                // nothing is expected after ReadyForQuery until the client speaks
                fail(ctx, "upstream sent data after ReadyForQuery during login");
            }
        } catch (AuthenticationFailedException | ProtocolException e) {
            failed(ctx, e);
        }
    }

    private void failed(ChannelHandlerContext ctx, RuntimeException e) {
        if (e instanceof AuthenticationFailedException a) {
            fail(
                    ctx,
                    a.refusedMethod() == null
                            ? a.getMessage()
                            : UpstreamAuthMethods.refusal(
                                    a.refusedMethod(), target.requireAuth(), target.sslMode(), tls));
        } else if (e instanceof ProtocolException) {
            fail(ctx, "protocol error from the upstream: " + e.getMessage());
        } else {
            fail(ctx, "cannot compute the SCRAM proof: " + e);
        }
    }

    private void answer(ChannelHandlerContext ctx, FrontendMessage answer) {
        if (answer != null) {
            ctx.writeAndFlush(answer.encode(ctx.alloc()));
        }
    }

    /**
     * The SCRAM proof: PBKDF2 over the server's salt, up to maxScramIterations HMACs (tens of
     * milliseconds at 100,000) when the salted password is not cached yet. Computed off the event
     * loop, which carries every other session of this thread; the upstream sends nothing until it
     * has the proof, so nothing is read meanwhile.
     */
    private void proveElsewhere(ChannelHandlerContext ctx, Authentication request) {
        ctx.channel().config().setAutoRead(false);
        crypto.execute(() -> {
            FrontendMessage answer;
            try {
                answer = authenticator.respond(request);
            } catch (RuntimeException e) {
                ctx.executor().execute(() -> failed(ctx, e));
                return;
            }
            ctx.executor().execute(() -> {
                if (phase == Phase.LOGIN) {
                    answer(ctx, answer);
                    ctx.channel().config().setAutoRead(true);
                }
            });
        });
    }

    private void sslAnswer(ChannelHandlerContext ctx, ByteBuf in) {
        if (!in.isReadable()) {
            return;
        }
        byte answer = in.readByte();
        if (answer == 'S') {
            if (in.isReadable()) {
                // bytes before the handshake would be read as if they were protected (CVE-2021-23222)
                fail(ctx, "upstream sent unencrypted data after agreeing to TLS");
                return;
            }
            phase = Phase.TLS_HANDSHAKE;
            try {
                SslHandler ssl = UpstreamTls.handler(target, ctx.alloc());
                ctx.pipeline().addFirst("upstream-tls", ssl);
                ssl.handshakeFuture().addListener(f -> {
                    if (!f.isSuccess()) {
                        fail(
                                ctx,
                                "TLS handshake with the upstream failed (sslMode " + target.sslMode() + "): "
                                        + rootMessage(f.cause()));
                        return;
                    }
                    tls = true;
                    binding = channelBinding(ssl);
                    sendStartup(ctx);
                });
            } catch (Exception e) {
                fail(ctx, "cannot set up TLS to the upstream: " + e.getMessage());
            }
        } else if (answer == 'N') {
            if (target.channelBinding() == ChannelBindingMode.REQUIRE) {
                fail(
                        ctx,
                        "the upstream does not accept TLS, and the Service requires channel binding"
                                + " (channelBinding REQUIRE needs SCRAM-SHA-256-PLUS over TLS)");
                return;
            }
            if (target.sslMode() != SslMode.PREFER) {
                fail(
                        ctx,
                        "the upstream does not accept TLS, and the Service requires it (sslMode " + target.sslMode()
                                + ")");
                return;
            }
            sendStartup(ctx);
        } else {
            fail(ctx, "the upstream answered the SSLRequest with an unexpected byte; is it PostgreSQL?");
        }
    }

    private void sendStartup(ChannelHandlerContext ctx) {
        phase = Phase.LOGIN;
        authenticator = new UpstreamAuthenticator(
                target.user(),
                target.password(),
                binding,
                UpstreamAuthOptions.DEFAULTS
                        .withChannelBinding(target.channelBinding())
                        .withMaxScramIterations(maxScramIterations)
                        // decided now: whether the link is encrypted is known only after the SSLRequest
                        .withAllowedMethods(UpstreamAuthMethods.allowed(target.requireAuth(), target.sslMode(), tls)));
        ctx.writeAndFlush(StartupMessage.of(target.startupParameters()).encode(ctx.alloc()));
    }

    private void onMessage(ChannelHandlerContext ctx, Frame frame) {
        switch (frame.tag()) {
            case BackendTag.AUTHENTICATION -> {
                Authentication request = (Authentication) BackendMessages.decode(frame.tag(), frame.body());
                if (request instanceof AuthenticationSASLContinue) {
                    proveElsewhere(ctx, request);
                } else {
                    answer(ctx, authenticator.respond(request));
                }
            }
            case BackendTag.PARAMETER_STATUS -> {
                ParameterStatus p = ParameterStatus.decode(frame.body());
                parameters.add(new AbstractMap.SimpleImmutableEntry<>(p.name(), p.value()));
            }
            case BackendTag.BACKEND_KEY_DATA -> {
                key = BackendKeyData.decode(frame.body()); // its secret stays bytes: protocol 3.2 allows up to 256
            }
            case BackendTag.ERROR_RESPONSE -> {
                ErrorResponse e = ErrorResponse.decode(frame.body());
                fail(
                        ctx,
                        "the upstream refused the login: " + e.fields().message() + " (SQLSTATE "
                                + e.fields().sqlState().code() + ")",
                        e.fields().sqlState());
            }
            case BackendTag.READY_FOR_QUERY -> {
                if (!authenticator.isAuthenticated()) {
                    fail(ctx, "the upstream reported ready before authenticating");
                    return;
                }
                phase = Phase.DONE;
                ReadyForQuery rfq = ReadyForQuery.decode(frame.body());
                Arrays.fill(target.password(), '\0');
                ctx.pipeline().remove(this);
                UpstreamCancel cancel = new UpstreamCancel(
                        ctx.channel().remoteAddress(),
                        key == null ? 0 : key.processId(),
                        key == null ? null : key.secretKey(),
                        target,
                        tls);
                result.trySuccess(new UpstreamLink(
                        ctx.channel(), List.copyOf(parameters), cancel, rfq.status(), tls, mechanism()));
            }
            default -> {
                // NoticeResponse, NegotiateProtocolVersion: nothing to do during login
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(ctx, "the upstream closed the connection during login");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, rootMessage(cause));
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        fail(ctx, why, null);
    }

    private void fail(ChannelHandlerContext ctx, String why, dev.portcullis.pgwire.SqlState upstreamState) {
        if (result.tryFailure(new UpstreamLoginException(why, upstreamState))) {
            phase = Phase.DONE;
            ctx.close();
        }
    }

    /** What the login used: SCRAM-SHA-256-PLUS, SCRAM-SHA-256, MD5, PASSWORD or NONE. */
    private String mechanism() {
        String scram = authenticator.scramMechanism();
        return scram != null ? scram : authenticator.method().name();
    }

    private static ChannelBinding channelBinding(SslHandler ssl) {
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x
                    ? ChannelBinding.tlsServerEndPoint(x)
                    : null;
        } catch (Exception e) {
            return null;
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
