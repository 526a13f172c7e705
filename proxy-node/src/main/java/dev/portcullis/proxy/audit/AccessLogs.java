package dev.portcullis.proxy.audit;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.Kind;
import dev.portcullis.api.Resources;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.AccessLogCommon;
import dev.portcullis.api.v1.AccessLogEntry;
import dev.portcullis.api.v1.AccessLogInfo;
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

    /** An event of this connection; {@code authorized} overrides the connect decision (a denied message). */
    public static AccessLog event(AuditedConnection c, PostgresInfo info, boolean authorized, Reason reason) {
        Instant now = Instant.now();
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
                .setEndedAt(ts(now))
                .setIsAuthenticated(a.getAuthenticated())
                .setIsAuthorized(authorized)
                .setNamespaceRef(NAMESPACE)
                .setRegionRef(REGION)
                .setServiceRef(service);
        if (reason != null) {
            common.setReason(reason);
        }
        if (a.hasSessionRef()) {
            common.setSessionRef(a.getSessionRef());
        }
        if (a.hasUserRef()) {
            common.setUserRef(a.getUserRef());
        }
        AccessLogMetadata.Builder meta = AccessLogMetadata.newBuilder()
                .setId(eventId())
                .setCreatedAt(ts(now))
                .setTargetRef(service);
        if (a.hasSessionRef()) {
            meta.setActorRef(a.getSessionRef());
        }
        return AccessLog.newBuilder()
                .setApiVersion(Kind.API_VERSION)
                .setKind("AccessLog")
                .setMetadata(meta)
                .setEntry(AccessLogEntry.newBuilder()
                        .setCommon(common)
                        .setInfo(AccessLogInfo.newBuilder().setPostgres(info)))
                .build();
    }

    /** An event under the connection's own decision (allowed messages of a relaying session). */
    public static AccessLog event(AuditedConnection c, PostgresInfo info) {
        AuthorizeResponse a = c.authorization();
        return event(c, info, a != null && a.getAuthorized(), a == null ? null : a.getReason());
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
