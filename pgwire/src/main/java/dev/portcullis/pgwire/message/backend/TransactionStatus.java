package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.ProtocolException;

/** The transaction state ReadyForQuery reports. */
public enum TransactionStatus {
    /** {@code 'I'}: not in a transaction block. */
    IDLE((byte) 'I'),
    /** {@code 'T'}: in a transaction block. */
    IN_TRANSACTION((byte) 'T'),
    /** {@code 'E'}: in a failed transaction block; commands are refused until it ends. */
    FAILED((byte) 'E');

    private final byte code;

    TransactionStatus(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    public static TransactionStatus of(byte code) {
        switch (code) {
            case 'I':
                return IDLE;
            case 'T':
                return IN_TRANSACTION;
            case 'E':
                return FAILED;
            default:
                throw new ProtocolException("invalid ReadyForQuery transaction status " + (code & 0xff));
        }
    }
}
