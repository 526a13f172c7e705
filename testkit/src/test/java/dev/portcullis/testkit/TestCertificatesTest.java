package dev.portcullis.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {

    private static final CertificateAuthority CA = TestCertificates.newCa();
    private static final IssuedCertificate SERVER = CA.issueServerCertificate();

    @Test
    void serverCertificateIsSignedByItsCaOnlyAndNamesLocalhost() throws Exception {
        X509Certificate cert = SERVER.certificate();
        cert.verify(CA.certificate().getPublicKey());
        assertThrows(
                GeneralSecurityException.class,
                () -> cert.verify(TestCertificates.newCa().certificate().getPublicKey()));
        List<String> names = cert.getSubjectAlternativeNames().stream()
                .map(n -> n.get(1).toString())
                .toList();
        assertEquals(List.of("localhost", "127.0.0.1"), names);
        assertTrue(CA.certificate().getBasicConstraints() >= 0, "the CA is a CA");
    }

    @Test
    void pemFilesAreWrittenWithPrivateKeysProtected(@TempDir Path tmp) throws Exception {
        SERVER.writeTo(tmp.resolve("server.crt"), tmp.resolve("server.key"));
        assertTrue(Files.readString(tmp.resolve("server.crt")).startsWith("-----BEGIN CERTIFICATE-----\n"));
        assertTrue(Files.readString(tmp.resolve("server.key")).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("server.key"))));
        assertEquals(2, SERVER.chainPem().split("BEGIN CERTIFICATE").length - 1);
    }

    @Test
    void jdkTlsHandshakeVerifiesHostnameWithTheCaAndFailsWithAnother() throws Exception {
        SSLContext server = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(SERVER.keyStore("pw".toCharArray()), "pw".toCharArray());
        server.init(keys.getKeyManagers(), null, null);

        try (SSLServerSocket listener = (SSLServerSocket)
                server.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> serveTwice(listener));
            assertEquals(42, clientRead(CA, listener.getLocalPort()));
            assertThrows(
                    SSLHandshakeException.class, () -> clientRead(TestCertificates.newCa(), listener.getLocalPort()));
            accepting.get(10, TimeUnit.SECONDS);
        }
    }

    private static int clientRead(CertificateAuthority trusted, int port) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted.trustStore());
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // checks the IP SAN
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            return in.read();
        }
    }

    private static void serveTwice(SSLServerSocket listener) {
        for (int i = 0; i < 2; i++) {
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(42);
                out.flush();
            } catch (Exception e) {
                // the second client rejects our certificate: expected
            }
        }
    }

    @Test
    void keyStoreHoldsTheChain() throws Exception {
        var store = SERVER.keyStore("pw".toCharArray());
        assertArrayEquals(
                new java.security.cert.Certificate[] {SERVER.certificate(), CA.certificate()},
                store.getCertificateChain("key"));
    }
}
