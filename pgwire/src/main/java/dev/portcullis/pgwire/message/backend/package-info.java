/**
 * Messages a server sends.
 *
 * <p>Flow: login ({@link dev.portcullis.pgwire.message.backend.Authentication} requests until
 * AuthenticationOk, optionally NegotiateProtocolVersion first, then ParameterStatus*,
 * BackendKeyData, ReadyForQuery); per simple Query: RowDescription, DataRow*, CommandComplete (or
 * EmptyQueryResponse, or ErrorResponse), ReadyForQuery; per extended cycle: ParseComplete,
 * BindComplete, ParameterDescription/RowDescription/NoData, DataRow*, CommandComplete or
 * PortalSuspended, CloseComplete, and ReadyForQuery after Sync; COPY responses; and at any time
 * NoticeResponse, NotificationResponse and ParameterStatus. ErrorResponse builders
 * ({@code fatal}, {@code error}) give every failure an SQLSTATE and a hint.
 */
package dev.portcullis.pgwire.message.backend;
