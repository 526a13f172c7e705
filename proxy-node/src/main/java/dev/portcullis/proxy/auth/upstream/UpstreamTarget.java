package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.api.model.SslMode;
import dev.portcullis.pgwire.auth.AuthMethod;
import dev.portcullis.pgwire.auth.ChannelBindingMode;
import java.util.Map;
import java.util.Set;

/**
 * Everything needed to log in upstream for one connection, resolved from the Service's config
 * (or the dynamic config chosen) and its Secrets at connect time. The password never appears
 * in toString. {@code requireAuth} is the Service's list (empty: the proxy's default, see
 * {@link UpstreamAuthMethods}).
 */
public record UpstreamTarget(
        String service,
        String configName,
        String host,
        int port,
        String user,
        String database,
        char[] password,
        SslMode sslMode,
        ChannelBindingMode channelBinding,
        Set<AuthMethod> requireAuth,
        String caPem,
        Map<String, String> startupParameters) {

    public String describe() {
        return host + ":" + port + " as " + user + "/" + database
                + (configName.isEmpty() ? "" : " (config " + configName + ")");
    }

    @Override
    public String toString() {
        return "UpstreamTarget[" + service + " -> " + describe() + ", sslMode " + sslMode + ", channelBinding "
                + channelBinding + ", requireAuth " + requireAuth + ", password <not shown>]";
    }
}
