package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** RowDescription ({@code 'T'}): the columns of the rows that follow. */
public record RowDescription(List<RowDescription.Field> fields) implements BackendMessage {

    /**
     * One column.
     *
     * @param tableOid the table's OID if the column is a plain table column, else 0
     * @param columnAttributeNumber the column's attribute number in that table, else 0
     * @param typeOid the data type's OID
     * @param typeSize {@code pg_type.typlen}: negative for variable-width types
     * @param typeModifier {@code pg_attribute.atttypmod}, type-specific
     * @param formatCode 0 text, 1 binary (0 in a Describe-statement response: not yet known)
     */
    public record Field(
            String name,
            int tableOid,
            int columnAttributeNumber,
            int typeOid,
            int typeSize,
            int typeModifier,
            int formatCode) {}

    public RowDescription {
        fields = List.copyOf(fields);
    }

    public static RowDescription decode(ByteBuf body) {
        int count = Wire.readCount(body, "RowDescription field count");
        List<Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(new Field(
                    Wire.readCString(body, "column name"),
                    Wire.readInt32(body, "table OID"),
                    Wire.readInt16(body, "column attribute number"),
                    Wire.readInt32(body, "type OID"),
                    Wire.readInt16(body, "type size"),
                    Wire.readInt32(body, "type modifier"),
                    Wire.readInt16(body, "format code")));
        }
        Wire.requireEnd(body, "RowDescription");
        return new RowDescription(fields);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.ROW_DESCRIPTION);
        Wire.writeCount(out, fields.size(), "RowDescription field count");
        for (Field field : fields) {
            Wire.writeCString(out, field.name());
            out.writeInt(field.tableOid());
            out.writeShort(field.columnAttributeNumber());
            out.writeInt(field.typeOid());
            out.writeShort(field.typeSize());
            out.writeInt(field.typeModifier());
            out.writeShort(field.formatCode());
        }
        Wire.endMessage(out, lengthIndex);
    }
}
