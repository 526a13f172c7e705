package dev.portcullis.proxy.tls;

import dev.portcullis.proxy.config.ProxyConfig;
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
    private static final Logger LOG = Logger.getLogger(ServerTls.class);
    private final SslContext context;

    public ServerTls(ProxyConfig config) throws SSLException {
        var tls = config.tls();
        if (tls.certificate().isPresent() != tls.key().isPresent()) {
            throw new IllegalStateException("set both portcullis.tls.certificate and portcullis.tls.key, or neither");
        }
        if (tls.certificate().isPresent()) {
            context = SslContextBuilder.forServer(tls.certificate().get().toFile(), tls.key().get().toFile()).build();
            LOG.infof("client TLS: certificate %s", tls.certificate().get());
        } else {
            SelfSignedCertificate self = SelfSignedCertificate.generate("portcullis-proxy");
            context = SslContextBuilder.forServer(
                    new ByteArrayInputStream(self.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                    new ByteArrayInputStream(self.privateKeyPem().getBytes(StandardCharsets.US_ASCII))).build();
            LOG.info("client TLS: self-signed certificate generated at start"
                    + " (set portcullis.tls.certificate and .key for clients that verify it)");
        }
    }

    public SslContext context() {
        return context;
    }
}
