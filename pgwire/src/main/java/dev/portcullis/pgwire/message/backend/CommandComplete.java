package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * CommandComplete ({@code 'C'}): a command finished; the tag names it ({@code SELECT 1}, {@code
 * INSERT 0 3}).
 */
public record CommandComplete(String commandTag) implements BackendMessage {

    public static CommandComplete decode(ByteBuf body) {
        String tag = Wire.readCString(body, "command tag");
        Wire.requireEnd(body, "CommandComplete");
        return new CommandComplete(tag);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.COMMAND_COMPLETE);
        Wire.writeCString(out, commandTag);
        Wire.endMessage(out, lengthIndex);
    }
}
