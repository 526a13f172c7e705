package dev.portcullis.pgwire.protocol;

/** Renders a tag byte for error messages: printable ones as {@code 'Q'}, others in hex. */
final class Tags {

    private Tags() {}

    static String describe(byte tag) {
        String hex = String.format("0x%02x", tag & 0xff);
        return tag >= 0x20 && tag < 0x7f ? "'" + (char) tag + "' (" + hex + ")" : hex;
    }
}
