package dev.portcullis.pgwire.protocol;

/** Format codes of parameter and result values (Int16). */
public final class FormatCode {

    public static final int TEXT = 0;
    public static final int BINARY = 1;

    private FormatCode() {}
}
