package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.protocol.BackendTag;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * Where the server is in what the client sent, learned from what the server answers: the
 * frontend messages that the server answers are queued as they go upstream, and each backend
 * message retires the one it answers, as PostgreSQL's {@code PostgresMain} does:
 *
 * <ul>
 *   <li>Parse, Bind, Close, Describe and Execute end with their completion message or an
 *       ErrorResponse; after an error the server skips every message up to the next Sync (Query and
 *       FunctionCall included: they get no ReadyForQuery);
 *   <li>Query, FunctionCall and Sync end with ReadyForQuery;
 *   <li>after CopyInResponse the server takes CopyData up to CopyDone or CopyFail and ignores Sync
 *       and Flush meanwhile; outside copy-in, copy messages are dropped.
 * </ul>
 *
 * Counting one ReadyForQuery per Query/Sync/FunctionCall instead goes wrong for the rest of the
 * session after any of these (an idle timeout that never fires, a denial shown as the stand-in's
 * syntax error). Everything runs on the client's event loop; Flush and Terminate are not queued.
 */
final class ServerProgress {
    /** An error the proxy shows in place of the upstream's answer to the stand-in at {@code seq}. */
    record Denial(long seq, String nonce, ByteBuf error) {}

    /** Tags of the messages not yet answered, oldest at {@code head}; sequence numbers count every one queued. */
    private byte[] tags = new byte[64];

    private long head;
    private long tail;
    /** After an error in an extended-protocol message: until the next Sync, the server answers nothing. */
    private boolean skippingToSync;
    /** The message at the head (a Query or Execute of COPY FROM STDIN) has the server in copy-in. */
    private boolean copyIn;

    private final ArrayDeque<Denial> denials = new ArrayDeque<>();

    /**
     * A frontend message goes upstream. @return its sequence number, or -1 when the server will not
     * answer it (a Flush, or anything it is skipping).
     */
    long sent(byte tag) {
        if (tag == FrontendTag.FLUSH || tag == FrontendTag.TERMINATE) {
            return -1;
        }
        if (head == tail && !copyIn && (isCopy(tag) || skippingToSync && tag != FrontendTag.SYNC)) {
            return -1; // dropped or skipped by the server the moment it reads it
        }
        if (tail - head == tags.length) {
            byte[] grown = new byte[tags.length * 2];
            for (long s = head; s < tail; s++) {
                grown[(int) (s % grown.length)] = tag(s);
            }
            tags = grown;
        }
        tags[(int) (tail % tags.length)] = tag;
        return tail++;
    }

    /** The stand-in sent at {@code seq} (a Query or Parse) fails upstream: that error becomes {@code error}. */
    void expectDenial(long seq, String nonce, ByteBuf error) {
        denials.add(new Denial(seq, nonce, error));
    }

    /**
     * The denial that an ErrorResponse beginning now answers, or null. Asked before {@link #received}
     * of that ErrorResponse; the denial leaves this queue (the caller releases its error).
     */
    Denial denialForError() {
        Denial d = denials.peek();
        if (d != null && head < tail && d.seq() == head) {
            return denials.poll();
        }
        return null;
    }

    /** A backend message begins: the frontend message it ends, if any, is retired. */
    void received(byte tag) {
        if (head == tail) {
            return; // nothing outstanding: an asynchronous message (notice, notification, parameter status)
        }
        byte current = tag(head);
        switch (tag) {
            case BackendTag.PARSE_COMPLETE,
                    BackendTag.BIND_COMPLETE,
                    BackendTag.CLOSE_COMPLETE,
                    BackendTag.PORTAL_SUSPENDED -> retire();
            case BackendTag.NO_DATA, BackendTag.ROW_DESCRIPTION -> {
                if (current == FrontendTag.DESCRIBE) {
                    retire(); // a Query's RowDescription is part of its result
                }
            }
            case BackendTag.COMMAND_COMPLETE, BackendTag.EMPTY_QUERY_RESPONSE -> {
                if (copyIn) {
                    endCopyIn();
                }
                if (current == FrontendTag.EXECUTE) {
                    retire(); // a Query goes on to its next statement, then ReadyForQuery
                }
            }
            case BackendTag.COPY_IN_RESPONSE -> copyIn = true;
            case BackendTag.ERROR_RESPONSE -> {
                if (copyIn) {
                    endCopyIn();
                }
                if (isExtended(current)) {
                    retire();
                    skippingToSync = true;
                    skipToSync();
                }
            }
            case BackendTag.READY_FOR_QUERY -> {
                skippingToSync = false;
                copyIn = false;
                // the Sync, Query or FunctionCall it answers; anything before it was answered already
                while (head < tail) {
                    byte t = tag(head);
                    retire();
                    if (t == FrontendTag.SYNC || t == FrontendTag.QUERY || t == FrontendTag.FUNCTION_CALL) {
                        break;
                    }
                }
            }
            default -> {
                // DataRow, notices, parameter status, copy-out data: no message ends with them
            }
        }
        dropCopyMessagesAtHead();
    }

    /** True when the server has answered everything the client sent: it waits for the client. */
    boolean awaitingClient() {
        return head == tail;
    }

    /** Outstanding messages (for tests and diagnostics). */
    int outstanding() {
        return (int) (tail - head);
    }

    void release() {
        denials.forEach(d -> d.error().release());
        denials.clear();
    }

    private void retire() {
        head++;
        while (!denials.isEmpty() && denials.peek().seq() < head) {
            denials.poll().error().release(); // its stand-in ended without the error: the upstream skipped it
        }
    }

    /** Copy-in ended: the copy messages and Syncs the server took meanwhile, through CopyDone/CopyFail, are done. */
    private void endCopyIn() {
        copyIn = false;
        long end = head + 1;
        while (end < tail && tag(end) != FrontendTag.COPY_DONE && tag(end) != FrontendTag.COPY_FAIL) {
            end++;
        }
        if (end == tail) {
            return; // the client has not ended its copy yet: what follows is dropped as it comes (see sent)
        }
        // remove (head, end]: shift the head message forward over them
        byte current = tag(head);
        head = end;
        tags[(int) (head % tags.length)] = current;
    }

    private void skipToSync() {
        while (head < tail && tag(head) != FrontendTag.SYNC) {
            retire();
        }
    }

    private void dropCopyMessagesAtHead() {
        while (!copyIn && head < tail && isCopy(tag(head))) {
            retire();
        }
    }

    private byte tag(long seq) {
        return tags[(int) (seq % tags.length)];
    }

    private static boolean isCopy(byte tag) {
        return tag == FrontendTag.COPY_DATA || tag == FrontendTag.COPY_DONE || tag == FrontendTag.COPY_FAIL;
    }

    private static boolean isExtended(byte tag) {
        return tag == FrontendTag.PARSE
                || tag == FrontendTag.BIND
                || tag == FrontendTag.DESCRIBE
                || tag == FrontendTag.EXECUTE
                || tag == FrontendTag.CLOSE;
    }
}
