package dev.portcullis.proxy.audit;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.AccessLogCommon;
import dev.portcullis.api.v1.AccessLogEntry;
import dev.portcullis.api.v1.AccessLogMetadata;
import dev.portcullis.api.v1.AuthorizeResponse;
import dev.portcullis.api.v1.ObjectRef;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.Reason;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * AccessLog events in the reference's shape: metadata (unique id, actor = the Session, target =
 * the Service) and entry.common (connection, refs, whether authenticated and authorized, and
 * the reason), with the PostgreSQL details in entry.info.postgres.
 */
public final class AccessLogs {
    private static final ObjectRef NAMESPACE = ObjectRef.newBuilder()
            .setApiVersion(Kind.API_VERSION)
            .setKind("Namespace")
            .setName(Resources.DEFAULT_NAMESPACE)
            .build();
    private static final ObjectRef REGION = ObjectRef.newBuilder()
            .setApiVersion(Kind.API_VERSION)
            .setKind("Region")
            .setName("default")
            .build();

    private AccessLogs() {}

    /**
     * What all events of this connection say alike, as its decision stands now: metadata (actor =
     * the Session, target = the Service) and entry.common without the event's own times, decision
     * and reason.
     */
    public static ConnectionPrelude prelude(AuditedConnection c) {
        AuthorizeResponse a = c.authorization() == null ? AuthorizeResponse.getDefaultInstance() : c.authorization();
        ObjectRef service = a.hasServiceRef()
                ? a.getServiceRef()
                : ObjectRef.newBuilder()
                        .setApiVersion(Kind.API_VERSION)
                        .setKind("Service")
                        .setName(c.service() + "." + Resources.DEFAULT_NAMESPACE)
                        .build();
        AccessLogCommon.Builder common = AccessLogCommon.newBuilder()
                .setConnectionId(c.id())
                .setStartedAt(ts(c.startedAt()))
                .setIsAuthenticated(a.getAuthenticated())
                .setNamespaceRef(NAMESPACE)
                .setRegionRef(REGION)
                .setServiceRef(service);
        if (a.hasReason()) {
            common.setReason(a.getReason());
        }
        if (a.hasSessionRef()) {
            common.setSessionRef(a.getSessionRef());
        }
        if (a.hasUserRef()) {
            common.setUserRef(a.getUserRef());
        }
        AccessLogMetadata.Builder meta = AccessLogMetadata.newBuilder().setTargetRef(service);
        if (a.hasSessionRef()) {
            meta.setActorRef(a.getSessionRef());
        }
        return new ConnectionPrelude(AccessLog.newBuilder()
                .setApiVersion(Kind.API_VERSION)
                .setKind("AccessLog")
                .setMetadata(meta)
                .setEntry(AccessLogEntry.newBuilder().setCommon(common))
                .build());
    }

    /** An event of this connection made now; {@code authorized} and {@code reason} (null: the connection's) are its decision. */
    public static AuditEvent event(ConnectionPrelude c, PostgresInfo info, boolean authorized, Reason reason) {
        Instant now = Instant.now();
        return new AuditEvent(c, now, now, authorized, reason, info);
    }

    /** An event under the connection's own decision (allowed messages of a relaying session). */
    public static AuditEvent event(AuditedConnection c, PostgresInfo info) {
        AuthorizeResponse a = c.authorization();
        return event(prelude(c), info, a != null && a.getAuthorized(), null);
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID: the Unix time in milliseconds, then 74 random
     * bits from the thread's own generator. Ids must be unique, not secret; UUID.randomUUID()
     * takes a lock around /dev/urandom on every event. Time order matters to the collector: its
     * unique index on the id then grows at one end, where random (v4) ids rewrote index pages
     * all over the B-tree on every commit (most of its indexing time, async-profiler).
     */
    static String eventId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextInt() & 0x0FFF);
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    static Timestamp ts(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }
}
