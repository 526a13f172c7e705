/**
 * The protocol's numbers, in one place: message type bytes per direction
 * ({@link dev.portcullis.pgwire.protocol.FrontendTag}, {@link
 * dev.portcullis.pgwire.protocol.BackendTag},
 * kept apart because {@code 'D'}, {@code 'E'}, {@code 'C'}, {@code 'S'}, {@code 'H'} mean different
 * messages in each direction), the startup-phase codes (protocol 3.0 = 196608, SSLRequest
 * 80877103, GSSENCRequest 80877104, CancelRequest 80877102), Authentication request codes, error
 * field types and format codes.
 *
 * <p>Message flow they describe: an untagged startup packet ({@code Int32 length, Int32 code,
 * ...}), then tagged messages ({@code Byte1 tag, Int32 length counting itself, body}) in both
 * directions until Terminate or a FATAL ErrorResponse.
 */
package dev.portcullis.pgwire.protocol;
