package dev.portcullis.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * The conversations of the protocol documentation's "Message Flow", as tags: what the client
 * sends, then what PostgreSQL answers (checked against a real server in RelayProgressTest). After
 * each, the server waits for the client exactly when {@link ServerProgress#awaitingClient} says so.
 */
class ServerProgressTest {
    private final ServerProgress progress = new ServerProgress();

    private long[] send(String tags) {
        long[] seqs = new long[tags.length()];
        for (int i = 0; i < tags.length(); i++) {
            seqs[i] = progress.sent((byte) tags.charAt(i));
        }
        return seqs;
    }

    private void answer(String tags) {
        for (char t : tags.toCharArray()) {
            progress.received((byte) t);
        }
    }

    @Test
    void aSimpleQueryRunsUntilItsReadyForQuery() {
        send("Q");
        answer("TDDC");
        assertFalse(progress.awaitingClient(), "rows came, the statement has not ended");
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void aMultiStatementQueryWithAnErrorEndsAtItsReadyForQuery() {
        send("Q");
        answer("CCE");
        assertFalse(progress.awaitingClient());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void pipelinedQueriesEachWaitForTheirOwnReadyForQuery() {
        send("QQQ");
        answer("CZ" + "CZ");
        assertFalse(progress.awaitingClient());
        assertEquals(1, progress.outstanding());
        answer("CZ");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void anExtendedBatchEndsAtItsSync() {
        send("PBDES");
        answer("12TDDC");
        assertFalse(progress.awaitingClient());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void anExecuteFollowedByFlushEndsWithItsCompletion() {
        send("PBEH"); // no Sync: the server answers, then waits (in an implicit transaction)
        answer("12DC");
        assertTrue(progress.awaitingClient());
    }

    /** The count of one ReadyForQuery per Query/Sync/FunctionCall stayed one short from here on. */
    @Test
    void aQueryAfterAnErrorInItsBatchIsSkippedAndGetsNoReadyForQuery() {
        send("PQFS");
        answer("E"); // the Parse failed: the server skips Query and FunctionCall up to the Sync
        answer("Z");
        assertTrue(progress.awaitingClient());
        send("Q");
        answer("CZ");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void messagesSentWhileTheServerSkipsAreNotAwaited() {
        send("PB");
        answer("E"); // skipping until Sync, which has not come yet
        assertTrue(progress.awaitingClient(), "the server waits for the client's Sync");
        assertEquals(-1, send("E")[0], "skipped");
        assertEquals(-1, send("Q")[0], "skipped");
        send("S");
        assertFalse(progress.awaitingClient());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void anErrorInAQueryDoesNotSkipWhatFollows() {
        send("QQ");
        answer("EZ");
        assertFalse(progress.awaitingClient(), "the second Query runs");
        answer("CZ");
        assertTrue(progress.awaitingClient());
    }

    /** The count went one over here: the Sync the server ignores in copy-in has no ReadyForQuery. */
    @Test
    void aSyncDuringCopyInIsIgnored() {
        send("Q");
        answer("G");
        send("dSdc"); // CopyData, Sync (ignored), CopyData, CopyDone
        answer("C");
        assertFalse(progress.awaitingClient());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void anExtendedCopyEndsAtTheSyncAfterCopyDone() {
        send("PBES"); // the Sync, sent before the client knew it was a COPY, comes during copy-in
        answer("12G");
        send("ddcS");
        answer("C");
        assertFalse(progress.awaitingClient());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void aFailedCopyDropsTheClientsRemainingCopyData() {
        send("Q");
        answer("G");
        send("d");
        answer("E"); // bad data: copy-in ends, the rest of the Query is abandoned
        send("dc"); // the client had not seen the error yet
        answer("Z");
        assertTrue(progress.awaitingClient());
        assertEquals(-1, send("d")[0], "dropped by the server");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void aCopyThatFailsToStartDropsThePipelinedData() {
        send("Qddc");
        answer("EZ"); // no such table: no CopyInResponse, the data is dropped
        assertTrue(progress.awaitingClient());
    }

    @Test
    void copyOutNeedsNothingFromTheClient() {
        send("Q");
        answer("Hddc" + "C");
        assertFalse(progress.awaitingClient());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void aFunctionCallEndsAtItsReadyForQuery() {
        send("F");
        answer("V");
        assertFalse(progress.awaitingClient());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }

    @Test
    void asynchronousMessagesEndNothing() {
        answer("NAS");
        assertTrue(progress.awaitingClient());
        send("Q");
        answer("NSA");
        assertFalse(progress.awaitingClient());
    }

    @Test
    void aDenialIsSwappedOnlyForTheErrorThatAnswersItsStandIn() {
        long[] seqs = send("QPS");
        ByteBuf error = Unpooled.buffer();
        progress.expectDenial(seqs[1], "nonce", error); // the Parse's stand-in
        assertNull(progress.denialForError(), "an error of the Query is not the Parse's");
        answer("EZ");
        assertNotNull(progress.denialForError(), "the next error answers the stand-in");
        answer("EZ");
        assertTrue(progress.awaitingClient());
        assertEquals(1, error.refCnt(), "handed to the caller, not released here");
        error.release();
    }

    @Test
    void aStandInTheServerSkipsHasItsDenialReleased() {
        long[] seqs = send("PPS");
        ByteBuf error = Unpooled.buffer();
        progress.expectDenial(seqs[1], "nonce", error);
        answer("E"); // the first Parse failed: the stand-in is skipped
        assertEquals(0, error.refCnt());
        answer("Z");
        assertNull(progress.denialForError());
    }

    @Test
    void thousandsOfPipelinedMessagesAreFollowed() {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            batch.append("BE");
        }
        send("P" + batch + "S");
        answer("1");
        for (int i = 0; i < 5000; i++) {
            answer("2C");
        }
        assertEquals(1, progress.outstanding());
        answer("Z");
        assertTrue(progress.awaitingClient());
    }
}
