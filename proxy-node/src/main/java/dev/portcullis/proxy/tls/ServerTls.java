package dev.portcullis.proxy.tls;

import dev.portcullis.proxy.config.ProxyConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.jboss.logging.Logger;

/**
 * The TLS context for client connections: the configured certificate and key, or a
 * self-signed certificate generated at start (fine for sslmode=require, which checks no
 * certificate; configure a real one for verify-full).
 */
@ApplicationScoped
public class ServerTls {
    /** The ALPN protocol id of PostgreSQL (IANA registered), as PostgreSQL 17 offers it. */
    public static final String ALPN_POSTGRESQL = "postgresql";
    /**
     * ALPN offered on every TLS connection, as PostgreSQL 17 does: a client that asks for another
     * protocol only is refused in the handshake (no_application_protocol); one that asks for none is
     * accepted, except on direct TLS, where the client handshake handler refuses it.
     */
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT,
            ALPN_POSTGRESQL);

    private static final Logger LOG = Logger.getLogger(ServerTls.class);
    private final SslContext context;

    public ServerTls(ProxyConfig config) throws SSLException {
        var tls = config.tls();
        if (tls.certificate().isPresent() != tls.key().isPresent()) {
            throw new IllegalStateException("set both portcullis.tls.certificate and portcullis.tls.key, or neither");
        }
        if (tls.certificate().isPresent()) {
            context = SslContextBuilder.forServer(
                            tls.certificate().get().toFile(), tls.key().get().toFile())
                    .applicationProtocolConfig(ALPN)
                    .build();
            LOG.infof("client TLS: certificate %s", tls.certificate().get());
        } else {
            SelfSignedCertificate self = SelfSignedCertificate.generate("portcullis-proxy");
            context = SslContextBuilder.forServer(
                            new ByteArrayInputStream(self.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                            new ByteArrayInputStream(self.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
                    .applicationProtocolConfig(ALPN)
                    .build();
            LOG.info("client TLS: self-signed certificate generated at start"
                    + " (set portcullis.tls.certificate and .key for clients that verify it)");
        }
    }

    public SslContext context() {
        return context;
    }
}
