package dev.portcullis.proxy.audit;

import com.google.protobuf.CodedOutputStream;
import dev.portcullis.api.v1.AccessLog;
import dev.portcullis.api.v1.AccessLogCommon;
import dev.portcullis.api.v1.AccessLogInfo;
import dev.portcullis.api.v1.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * What every event of one connection (under one decision) says alike — apiVersion and kind, actor
 * and target, the connection id, its start, whether it authenticated, its refs and its decision's
 * reason — encoded as protobuf bytes once, so that an event costs the encoding of its own part
 * only. Immutable: built on the event loop at the decision, read by the publisher thread.
 *
 * <p>Protobuf parsers accept a message's fields in any order, so an event's bytes are its own
 * fields followed by these, each nested message written with its whole length; the result parses
 * to the same AccessLog as one built field by field ({@code EventEncodingTest} holds them equal).
 */
public final class ConnectionPrelude {
    // AccessLog: metadata = 3, entry = 4; metadata: id = 1, created_at = 2; entry: common = 1,
    // info = 2; common: ended_at = 3, is_authorized = 5, reason = 6; info: postgres = 1
    private static final int META = 3, ENTRY = 4, ID = 1, CREATED = 2, COMMON = 1, INFO = 2;
    private static final int ENDED = 3, AUTHORIZED = 5, REASON = 6, POSTGRES = 1;

    private final String connectionId;
    /** The event without its own fields: the JSON form and tests start from it. */
    private final AccessLog template;

    private final Reason reason;
    /** AccessLog fields 1 and 2; metadata fields 3 and 4; common fields 1, 2, 4, 7-11; common field 6 of {@link #reason}. */
    private final byte[] head, metadataTail, commonTail, reasonField;

    ConnectionPrelude(AccessLog template) {
        this.template = template;
        AccessLogCommon common = template.getEntry().getCommon();
        this.connectionId = common.getConnectionId();
        this.reason = common.hasReason() ? common.getReason() : null;
        this.head = AccessLog.newBuilder()
                .setApiVersion(template.getApiVersion())
                .setKind(template.getKind())
                .build()
                .toByteArray();
        this.metadataTail = template.getMetadata().toByteArray();
        this.commonTail = common.toBuilder().clearReason().build().toByteArray();
        this.reasonField = reason == null
                ? new byte[0]
                : AccessLogCommon.newBuilder().setReason(reason).build().toByteArray();
    }

    public String connectionId() {
        return connectionId;
    }

    /** The connection's own reason (its connect decision's), or null. */
    Reason reason() {
        return reason;
    }

    /** The event as an AccessLog message, field by field: the JSON form's source. */
    AccessLog accessLog(AuditEvent e, String id) {
        AccessLog.Builder b = template.toBuilder();
        b.getMetadataBuilder().setId(id).setCreatedAt(AccessLogs.ts(e.createdAt()));
        AccessLogCommon.Builder c = b.getEntryBuilder().getCommonBuilder();
        c.setEndedAt(AccessLogs.ts(e.endedAt())).setIsAuthorized(e.authorized());
        if (e.reason() != null) {
            c.setReason(e.reason());
        }
        b.getEntryBuilder().setInfo(AccessLogInfo.newBuilder().setPostgres(e.info()));
        return b.build();
    }

    /** The event's protobuf bytes: its own fields encoded now, the connection's copied. */
    byte[] encode(AuditEvent e, String id) {
        int idSize = CodedOutputStream.computeStringSize(ID, id);
        int created = timestampSize(e.createdAt());
        int metadata = idSize + nested(CREATED, created) + metadataTail.length;
        int ended = timestampSize(e.endedAt());
        int reasonSize =
                e.reason() == null ? reasonField.length : CodedOutputStream.computeMessageSize(REASON, e.reason());
        int common = nested(ENDED, ended)
                + (e.authorized() ? CodedOutputStream.computeBoolSize(AUTHORIZED, true) : 0)
                + reasonSize
                + commonTail.length;
        int postgres = e.info().getSerializedSize();
        int info = nested(POSTGRES, postgres);
        int entry = nested(COMMON, common) + nested(INFO, info);
        byte[] out = new byte[head.length + nested(META, metadata) + nested(ENTRY, entry)];
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        try {
            o.writeRawBytes(head);
            begin(o, META, metadata);
            o.writeString(ID, id);
            timestamp(o, CREATED, created, e.createdAt());
            o.writeRawBytes(metadataTail);
            begin(o, ENTRY, entry);
            begin(o, COMMON, common);
            timestamp(o, ENDED, ended, e.endedAt());
            if (e.authorized()) {
                o.writeBool(AUTHORIZED, true);
            }
            if (e.reason() == null) {
                o.writeRawBytes(reasonField);
            } else {
                o.writeMessage(REASON, e.reason());
            }
            o.writeRawBytes(commonTail);
            begin(o, INFO, info);
            begin(o, POSTGRES, postgres);
            e.info().writeTo(o);
            o.checkNoSpaceLeft();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a byte[] of the computed size cannot overflow
        }
        return out;
    }

    /** A nested message's field: tag, length, body. */
    private static int nested(int field, int bodySize) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(bodySize) + bodySize;
    }

    private static void begin(CodedOutputStream o, int field, int bodySize) throws IOException {
        o.writeTag(field, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(bodySize);
    }

    /** google.protobuf.Timestamp's body: seconds = 1, nanos = 2, defaults left out. */
    private static int timestampSize(Instant t) {
        return (t.getEpochSecond() == 0 ? 0 : CodedOutputStream.computeInt64Size(1, t.getEpochSecond()))
                + (t.getNano() == 0 ? 0 : CodedOutputStream.computeInt32Size(2, t.getNano()));
    }

    private static void timestamp(CodedOutputStream o, int field, int size, Instant t) throws IOException {
        begin(o, field, size);
        if (t.getEpochSecond() != 0) {
            o.writeInt64(1, t.getEpochSecond());
        }
        if (t.getNano() != 0) {
            o.writeInt32(2, t.getNano());
        }
    }
}
