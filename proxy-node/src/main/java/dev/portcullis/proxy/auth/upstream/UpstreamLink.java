package dev.portcullis.proxy.auth.upstream;

import dev.portcullis.pgwire.message.backend.TransactionStatus;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Map;

/**
 * A logged-in upstream connection, ready for queries: what the client must be told
 * (ParameterStatus values, transaction status) and the upstream's own cancel key, which stays
 * in the proxy. {@code authMethod} is how the login went: SCRAM-SHA-256-PLUS, SCRAM-SHA-256,
 * MD5, PASSWORD or NONE.
 */
public record UpstreamLink(
        Channel channel,
        List<Map.Entry<String, String>> parameters,
        UpstreamCancel cancel,
        TransactionStatus status,
        boolean tls,
        String authMethod) {}
