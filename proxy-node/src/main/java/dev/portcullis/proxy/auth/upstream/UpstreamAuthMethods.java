package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.api.model.SslMode;
import dev.portcullis.api.model.UpstreamAuthMethod;
import dev.portcullis.pgwire.auth.AuthMethod;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which upstream authentication methods the proxy may answer, and why it refused one. With the
 * Service's {@code requireAuth} listed, exactly those (libpq's {@code require_auth}). Without it:
 * over TLS any method; over an unencrypted link, SCRAM (which never reveals the password) and
 * none, MD5 only where the Service chose plaintext itself ({@code sslMode: DISABLE}), a cleartext
 * password never. Under {@code PREFER} a link is unencrypted because the server — or someone
 * between — answered 'N' to the SSLRequest; refusing cleartext and MD5 there is what keeps that
 * downgrade from harvesting the Secret's password.
 */
public final class UpstreamAuthMethods {
    private UpstreamAuthMethods() {}

    static Set<AuthMethod> allowed(Set<AuthMethod> required, SslMode sslMode, boolean tls) {
        if (!required.isEmpty()) {
            return required;
        }
        if (tls) {
            return EnumSet.allOf(AuthMethod.class);
        }
        return sslMode == SslMode.DISABLE
                ? EnumSet.of(AuthMethod.SCRAM_SHA_256, AuthMethod.MD5, AuthMethod.NONE)
                : EnumSet.of(AuthMethod.SCRAM_SHA_256, AuthMethod.NONE);
    }

    /** Why {@code asked} was refused, for the client's 08001 (the caller prefixes the Service). */
    static String refusal(AuthMethod asked, Set<AuthMethod> required, SslMode sslMode, boolean tls) {
        String what = "the upstream asked for " + describe(asked) + " (" + word(asked) + ")";
        if (!required.isEmpty()) {
            return what + ", which the Service's requireAuth ["
                    + required.stream().map(UpstreamAuthMethods::word).collect(Collectors.joining(", "))
                    + "] does not allow";
        }
        String link = sslMode == SslMode.DISABLE
                ? "over an unencrypted connection (sslMode DISABLE)"
                : "over an unencrypted connection: it declined TLS under sslMode " + sslMode
                        + ", which is how a man in the middle would harvest the password";
        if (asked == AuthMethod.PASSWORD) {
            return what + " " + link + "; Portcullis never sends a cleartext password there. Use sslMode REQUIRE,"
                    + " or list password in the Service's requireAuth if the network is trusted";
        }
        return what + " " + link + "; Portcullis sends an MD5 hash unencrypted only with sslMode DISABLE. Use sslMode"
                + " REQUIRE, or list md5 in the Service's requireAuth";
    }

    private static String describe(AuthMethod m) {
        return switch (m) {
            case PASSWORD -> "a cleartext password";
            case MD5 -> "an MD5 password hash";
            case SCRAM_SHA_256 -> "SCRAM-SHA-256";
            case NONE -> "no authentication";
        };
    }

    private static String word(AuthMethod m) {
        return UpstreamAuthMethod.valueOf(m.name()).word();
    }

    /** The Service's requireAuth as the login's methods. */
    public static Set<AuthMethod> of(Set<UpstreamAuthMethod> listed) {
        EnumSet<AuthMethod> methods = EnumSet.noneOf(AuthMethod.class);
        listed.forEach(m -> methods.add(AuthMethod.valueOf(m.name())));
        return methods;
    }
}
