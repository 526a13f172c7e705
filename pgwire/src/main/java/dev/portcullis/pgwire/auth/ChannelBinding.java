package dev.portcullis.pgwire.auth;

import com.ongres.scram.common.util.TlsServerEndpoint;
import dev.portcullis.pgwire.SqlState;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Channel-binding data that ties a SCRAM exchange to one TLS connection, so that a man in the
 * middle holding a different certificate cannot relay the exchange.
 *
 * @param type the binding type; PostgreSQL supports {@code tls-server-end-point} only
 * @param data the binding data
 */
public record ChannelBinding(String type, byte[] data) {

    public static final String TLS_SERVER_END_POINT = TlsServerEndpoint.TLS_SERVER_END_POINT;

    public ChannelBinding {
        if (type.isEmpty() || data.length == 0) {
            throw new IllegalArgumentException("channel binding needs a type and data");
        }
        data = data.clone();
    }

    /**
     * {@code tls-server-end-point} (RFC 5929): the hash of the server's certificate as presented in
     * the handshake, with the certificate's signature hash (SHA-256 for MD5/SHA-1 signatures).
     *
     * @param serverCertificate the first certificate of the upstream's TLS session peer chain
     * @throws AuthenticationFailedException if no hash can be derived (e.g. an Ed25519 certificate,
     *     for which RFC 5929 defines none)
     */
    public static ChannelBinding tlsServerEndPoint(X509Certificate serverCertificate) {
        byte[] hash;
        try {
            hash = TlsServerEndpoint.getChannelBindingData(serverCertificate);
        } catch (CertificateEncodingException e) {
            throw new AuthenticationFailedException(
                    SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "cannot read the upstream server certificate for channel binding",
                    e);
        }
        if (hash.length == 0) {
            throw new AuthenticationFailedException(
                    SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "no channel binding hash is defined for the upstream certificate's signature algorithm "
                            + serverCertificate.getSigAlgName());
        }
        return new ChannelBinding(TLS_SERVER_END_POINT, hash);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChannelBinding that && type.equals(that.type) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "ChannelBinding[" + type + ", " + data.length + " bytes]";
    }
}
