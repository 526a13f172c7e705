/**
 * The COPY sub-protocol messages that travel in both directions: CopyData and CopyDone.
 *
 * <p>Flow: COPY FROM STDIN: server CopyInResponse, client CopyData* then CopyDone (or CopyFail),
 * server CommandComplete, ReadyForQuery. COPY TO STDOUT: server CopyOutResponse, CopyData*,
 * CopyDone, CommandComplete, ReadyForQuery. The proxy relays CopyData as frames or streamed
 * chunks; these records are for tests and small clients.
 */
package dev.portcullis.pgwire.message.copy;
