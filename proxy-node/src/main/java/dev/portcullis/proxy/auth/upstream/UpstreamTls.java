package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.api.model.SslMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS to the upstream, as libpq's sslmode means it: PREFER and REQUIRE encrypt without checking
 * the certificate; VERIFY_CA checks it against the CA (from a Secret, else the JDK's trust
 * store); VERIFY_FULL also checks that it names the upstream host.
 */
final class UpstreamTls {
    private static final SslContext UNVERIFIED;
    private static final ConcurrentHashMap<String, SslContext> VERIFYING = new ConcurrentHashMap<>();

    static {
        try {
            UNVERIFIED = SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .build();
        } catch (SSLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private UpstreamTls() {}

    static SslHandler handler(UpstreamTarget target, ByteBufAllocator alloc) throws SSLException {
        return handler(target.sslMode(), target.caPem(), target.host(), target.port(), alloc);
    }

    /** @param host the name the certificate must carry under VERIFY_FULL (and the SNI sent) */
    static SslHandler handler(SslMode mode, String caPem, String host, int port, ByteBufAllocator alloc)
            throws SSLException {
        if (mode == SslMode.PREFER || mode == SslMode.REQUIRE) {
            return UNVERIFIED.newHandler(alloc, host, port);
        }
        SslHandler handler = verifying(caPem).newHandler(alloc, host, port);
        if (mode == SslMode.VERIFY_FULL) {
            SSLEngine engine = handler.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return handler;
    }

    private static SslContext verifying(String caPem) throws SSLException {
        String key = caPem == null ? "" : caPem;
        SslContext cached = VERIFYING.get(key);
        if (cached != null) {
            return cached;
        }
        SslContextBuilder b = SslContextBuilder.forClient();
        if (!key.isEmpty()) {
            b.trustManager(new ByteArrayInputStream(key.getBytes(StandardCharsets.US_ASCII)));
        }
        SslContext ctx = b.build();
        if (VERIFYING.size() > 256) {
            VERIFYING.clear();
        }
        VERIFYING.put(key, ctx);
        return ctx;
    }
}
