package dev.portcullis.audit;

import com.google.protobuf.Timestamp;
import dev.portcullis.api.codec.ResourceCodec;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.AccessLogCommon;
import dev.portcullis.api.v1.AccessLogEntry;
import dev.portcullis.api.v1.AccessLogInfo;
import dev.portcullis.api.v1.AccessLogMetadata;
import dev.portcullis.api.v1.ObjectRef;
import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.PostgresParse;
import dev.portcullis.api.v1.PostgresQuery;
import dev.portcullis.api.v1.PostgresSessionEnd;
import dev.portcullis.api.v1.PostgresSessionStart;
import dev.portcullis.api.v1.Reason;
import java.time.Instant;
import java.util.UUID;

/** AccessLog events as a proxy node would publish them, for tests. */
public final class TestEvents {
    private TestEvents() {}

    public static Builder event() {
        return new Builder();
    }

    public static final class Builder {
        private String id = UUID.randomUUID().toString();
        private Instant createdAt = Instant.now();
        private String connection = "conn-" + UUID.randomUUID().toString().substring(0, 8);
        private String service = "pg-db";
        private String user = "alice";
        private String session = "alice-s1";
        private boolean authorized = true;
        private String reasonType = "POLICY_MATCH";
        private String reasonMessage = "";
        private PostgresInfo.Builder info = PostgresInfo.newBuilder()
                .setType("QUERY")
                .setQuery(PostgresQuery.newBuilder().setQuery("select 1"));

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder at(Instant v) {
            createdAt = v;
            return this;
        }

        public Builder connection(String v) {
            connection = v;
            return this;
        }

        public Builder service(String v) {
            service = v;
            return this;
        }

        public Builder user(String v) {
            user = v;
            return this;
        }

        public Builder session(String v) {
            session = v;
            return this;
        }

        public Builder query(String sql) {
            info = PostgresInfo.newBuilder()
                    .setType("QUERY")
                    .setQuery(PostgresQuery.newBuilder().setQuery(sql));
            return this;
        }

        public Builder parse(String name, String sql) {
            info = PostgresInfo.newBuilder()
                    .setType("PARSE")
                    .setParse(PostgresParse.newBuilder().setName(name).setQuery(sql));
            return this;
        }

        public Builder sessionStart(String requestedUser, String user, String database) {
            info = PostgresInfo.newBuilder()
                    .setType("SESSION_START")
                    .setSessionStart(PostgresSessionStart.newBuilder()
                            .setRequestedUser(requestedUser)
                            .setRequestedDatabase(database)
                            .setUser(user)
                            .setDatabase(database)
                            .setApplicationName("psql"));
            return this;
        }

        public Builder sessionEnd(long millis, long in, long out) {
            info = PostgresInfo.newBuilder()
                    .setType("SESSION_END")
                    .setSessionEnd(PostgresSessionEnd.newBuilder()
                            .setDurationMillis(millis)
                            .setBytesFromClient(in)
                            .setBytesToClient(out)
                            .setReason("client closed"));
            return this;
        }

        public Builder denied(String type, String message) {
            authorized = false;
            reasonType = type;
            reasonMessage = message;
            return this;
        }

        public String id() {
            return id;
        }

        public AccessLog build() {
            Timestamp ts = Timestamp.newBuilder()
                    .setSeconds(createdAt.getEpochSecond())
                    .setNanos(createdAt.getNano())
                    .build();
            ObjectRef serviceRef = ref("Service", service + ".default");
            ObjectRef sessionRef = ref("Session", session);
            return AccessLog.newBuilder()
                    .setApiVersion("core/v1")
                    .setKind("AccessLog")
                    .setMetadata(AccessLogMetadata.newBuilder()
                            .setId(id)
                            .setCreatedAt(ts)
                            .setActorRef(sessionRef)
                            .setTargetRef(serviceRef))
                    .setEntry(AccessLogEntry.newBuilder()
                            .setCommon(AccessLogCommon.newBuilder()
                                    .setConnectionId(connection)
                                    .setStartedAt(ts)
                                    .setIsAuthenticated(true)
                                    .setIsAuthorized(authorized)
                                    .setReason(Reason.newBuilder()
                                            .setType(reasonType)
                                            .setMessage(reasonMessage))
                                    .setServiceRef(serviceRef)
                                    .setSessionRef(sessionRef)
                                    .setUserRef(ref("User", user)))
                            .setInfo(AccessLogInfo.newBuilder().setPostgres(info)))
                    .build();
        }

        public String json() {
            return ResourceCodec.toCompactJson(build());
        }

        private static ObjectRef ref(String kind, String name) {
            return ObjectRef.newBuilder()
                    .setApiVersion("core/v1")
                    .setKind(kind)
                    .setName(name)
                    .setUid(UUID.nameUUIDFromBytes((kind + name).getBytes()).toString())
                    .build();
        }
    }
}
