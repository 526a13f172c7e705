package dev.portcullis.proxy.audit;

import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.proxy.auth.upstream.UpstreamLink;
import dev.portcullis.proxy.auth.upstream.UpstreamTarget;
import java.net.SocketAddress;
import java.time.Instant;

/**
 * What an access-log event says about its connection, read-only: the session fills it, audit only
 * reads it. Values not known yet are null (no decision, no upstream).
 */
public interface AuditedConnection {
    String id();

    Instant startedAt();

    String service();

    /** The connect decision, or null before it. */
    AuthorizeResponse authorization();

    /** The client as limits and the trail name it (the PROXY header's, behind a trusted balancer). */
    SocketAddress clientAddress();

    boolean tls();

    /** The client's StartupMessage, or null before it. */
    StartupMessage startup();

    /** Where the session goes upstream, or null before the decision. */
    UpstreamTarget target();

    /** The logged-in upstream connection, or null before it. */
    UpstreamLink upstream();
}
