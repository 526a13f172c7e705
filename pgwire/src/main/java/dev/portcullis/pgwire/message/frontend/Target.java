package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.ProtocolException;

/** What a Describe or Close names: a prepared statement ({@code 'S'}) or a portal ({@code 'P'}). */
public enum Target {
    STATEMENT((byte) 'S'),
    PORTAL((byte) 'P');

    private final byte code;

    Target(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    static Target of(byte code, String message) {
        switch (code) {
            case 'S':
                return STATEMENT;
            case 'P':
                return PORTAL;
            default:
                throw new ProtocolException("invalid " + message + " message subtype " + (code & 0xff));
        }
    }
}
