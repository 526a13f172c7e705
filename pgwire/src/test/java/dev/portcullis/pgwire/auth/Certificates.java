package dev.portcullis.pgwire.auth;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Self-signed certificates made with openssl for channel-binding tests (no private keys). */
final class Certificates {

    /** ECDSA P-256, signed ecdsa-with-SHA256: binding hash is SHA-256. */
    static final String P256_SHA256 = "-----BEGIN CERTIFICATE-----\n"
            + "MIIBjTCCATOgAwIBAgIUW7RB2S4SfUoccB3PrPiR5YO6UF4wCgYIKoZIzj0EAwIw\n"
            + "GzEZMBcGA1UEAwwQdXBzdHJlYW0uZXhhbXBsZTAgFw0yNjExMjcxMTQyNDRaGA8y\n"
            + "MTI2MTEwMzExNDI0NFowGzEZMBcGA1UEAwwQdXBzdHJlYW0uZXhhbXBsZTBZMBMG\n"
            + "ByqGSM49AgEGCCqGSM49AwEHA0IABGjstKAE8S5pUtO1GeJ75Rw2GFXbjreJk85X\n"
            + "q6K7M5HGwq4n5BPzF0f0TPblfr3hZxh5rIblJQp8WsY+W4ESG+ijUzBRMB0GA1Ud\n"
            + "DgQWBBQ7EB2GVOenO3DhveCA9AwHR5QFHjAfBgNVHSMEGDAWgBQ7EB2GVOenO3Dh\n"
            + "veCA9AwHR5QFHjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIHQp\n"
            + "2WZFwpt0T+MZk870z5UVagqcyxz3rxh/814lkkzqAiEA8PQPfe+JU8W6irWYiGOC\n"
            + "7Qc5S1cqii6PP4sjgENHbfY=\n"
            + "-----END CERTIFICATE-----\n";

    /** ECDSA P-384, signed ecdsa-with-SHA384: binding hash is SHA-384. */
    static final String P384_SHA384 = "-----BEGIN CERTIFICATE-----\n"
            + "MIIB0TCCAVagAwIBAgIUcLWFDbvcutYcivjaseOQAwrdvsEwCgYIKoZIzj0EAwMw\n"
            + "HjEcMBoGA1UEAwwTdXBzdHJlYW0zODQuZXhhbXBsZTAgFw0yNjExMjcxMTQyNDRa\n"
            + "GA8yMTI2MTEwMzExNDI0NFowHjEcMBoGA1UEAwwTdXBzdHJlYW0zODQuZXhhbXBs\n"
            + "ZTB2MBAGByqGSM49AgEGBSuBBAAiA2IABMbQva7KZ1azCfAodBGVUVyqVpdDl/5q\n"
            + "MrN9UaEpy8zFzwzwn9L84J++hqW9R96y225fmKcgaEm/2LO70J1d1icK8PP/1hio\n"
            + "6nFMfqQHnBPwF2OZy0/ZffS8FXGkga0XS6NTMFEwHQYDVR0OBBYEFOzy6DjGMYlY\n"
            + "IYaCfo2Zp2eQHcUmMB8GA1UdIwQYMBaAFOzy6DjGMYlYIYaCfo2Zp2eQHcUmMA8G\n"
            + "A1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwMDaQAwZgIxAOq3jMWBUOkKK/CP8XJY\n"
            + "gnNw9KcSqekw4ZMffl4jpRTuLzEnSSRUaMGwCsfZgH0ItAIxAJKPjFadGMwaivsR\n"
            + "boh6pweqTX49ZFNivAldFkcMQgnX2GJ7kkv46IdTylY5P7t6gQ==\n"
            + "-----END CERTIFICATE-----\n";

    /** Signed ecdsa-with-SHA1: RFC 5929 replaces SHA-1 with SHA-256 for the binding hash. */
    static final String P256_SHA1 = "-----BEGIN CERTIFICATE-----\n"
            + "MIIBhDCCASqgAwIBAgIUS45aOiNbZTM5bijkOaPVA8ZG0skwCQYHKoZIzj0EATAX\n"
            + "MRUwEwYDVQQDDAxzaGExLmV4YW1wbGUwIBcNMjYxMTI3MTE0MjQ0WhgPMjEyNjEx\n"
            + "MDMxMTQyNDRaMBcxFTATBgNVBAMMDHNoYTEuZXhhbXBsZTBZMBMGByqGSM49AgEG\n"
            + "CCqGSM49AwEHA0IABGjstKAE8S5pUtO1GeJ75Rw2GFXbjreJk85Xq6K7M5HGwq4n\n"
            + "5BPzF0f0TPblfr3hZxh5rIblJQp8WsY+W4ESG+ijUzBRMB0GA1UdDgQWBBQ7EB2G\n"
            + "VOenO3DhveCA9AwHR5QFHjAfBgNVHSMEGDAWgBQ7EB2GVOenO3DhveCA9AwHR5QF\n"
            + "HjAPBgNVHRMBAf8EBTADAQH/MAkGByqGSM49BAEDSQAwRgIhAJtmk7g4XzAyVAiu\n"
            + "MtEOzEe10FzpIZs06VV/BmXKJqcAAiEA0jr3BuJU/+2WCMd3oRd5P0oe6RpMqdrq\n"
            + "A7QWRrEupvM=\n"
            + "-----END CERTIFICATE-----\n";

    private Certificates() {}

    static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(US_ASCII)));
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }
}
