package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** A test CA made by {@link TestCertificates#newCa()}; it issues server and client certificates. */
public final class CertificateAuthority {

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The CA certificate as PEM: what a client needs for {@code sslmode=verify-full}. */
    public String certificatePem() {
        return TestCertificates.toPem(certificate);
    }

    /** Writes the CA certificate as PEM (mode 0644) and returns the file. */
    public Path writeCertificate(Path file) {
        return TestCertificates.writePem(file, certificatePem(), false);
    }

    /**
     * A server certificate for the given host names and IP addresses (the subject alternative
     * names; the first is also the common name). With none, {@code localhost} and
     * {@code 127.0.0.1}, which is what servers started by tests listen on.
     */
    public IssuedCertificate issueServerCertificate(String... hostsAndIps) {
        String[] names = hostsAndIps.length == 0 ? new String[] {"localhost", "127.0.0.1"} : hostsAndIps.clone();
        return TestCertificates.issue(this, names[0], names, KeyPurposeId.id_kp_serverAuth);
    }

    /** A client certificate whose common name is {@code commonName} (e.g. a PostgreSQL role). */
    public IssuedCertificate issueClientCertificate(String commonName) {
        return TestCertificates.issue(this, commonName, new String[0], KeyPurposeId.id_kp_clientAuth);
    }

    /** An in-memory PKCS#12 trust store holding this CA, for JDK/Netty clients. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store", e);
        }
    }
}
