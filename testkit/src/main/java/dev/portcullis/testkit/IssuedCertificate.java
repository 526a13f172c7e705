package dev.portcullis.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** A certificate and its private key, issued by a {@link CertificateAuthority}. */
public final class IssuedCertificate {

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final X509Certificate issuer;

    IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.issuer = issuer;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The CA certificate that signed this one. */
    public X509Certificate issuer() {
        return issuer;
    }

    public String certificatePem() {
        return TestCertificates.toPem(certificate);
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
    public String privateKeyPem() {
        return TestCertificates.toPem(privateKey);
    }

    /** This certificate followed by the CA's, for servers that send the chain. */
    public String chainPem() {
        return certificatePem() + TestCertificates.toPem(issuer);
    }

    /** Writes the certificate (0644) and the private key (0600) as PEM files. */
    public void writeTo(Path certificateFile, Path privateKeyFile) {
        TestCertificates.writePem(certificateFile, certificatePem(), false);
        TestCertificates.writePem(privateKeyFile, privateKeyPem(), true);
    }

    /** An in-memory PKCS#12 key store with this key and chain under alias {@code key}. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", privateKey, password, new Certificate[] {certificate, issuer});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store", e);
        }
    }
}
