package dev.portcullis.pgwire.frame;

/**
 * How big a tagged message may be, and from what size its body is streamed instead of delivered
 * whole.
 *
 * @param maxMessageLength the largest acceptable value of the Int32 length field (which counts
 *     itself but not the tag byte); anything larger fails before a body byte is buffered
 * @param streamThreshold bodies up to this many bytes arrive as one {@link Frame}; larger ones as
 *     a {@link FrameHeader} followed by {@link FrameChunk}s, so they are never buffered whole
 * @param wholeTags message types (their tag bytes as characters) whose bodies are delivered whole
 *     up to {@code wholeThreshold} instead: a message that must be read in full before any of it
 *     may go on (a statement that a policy decides) has its own limit; empty for none
 * @param wholeThreshold the stream threshold of the {@code wholeTags} messages
 */
public record FrameLimits(int maxMessageLength, int streamThreshold, String wholeTags, int wholeThreshold) {

    /**
     * Before authentication the only message a client may send is its password (an access token),
     * so a few KiB is plenty and keeps an unauthenticated peer from making the proxy buffer more.
     */
    public static final FrameLimits BEFORE_AUTHENTICATION = new FrameLimits(8 * 1024, 8 * 1024);

    /**
     * After authentication PostgreSQL accepts messages up to 1 GiB; anything over 64 KiB (Netty's
     * usual largest read) is streamed.
     */
    public static final FrameLimits AFTER_AUTHENTICATION = new FrameLimits(1 << 30, 64 * 1024);

    public FrameLimits {
        if (maxMessageLength < 4 || maxMessageLength == Integer.MAX_VALUE) {
            // MAX_VALUE is refused so that tag + length never overflows an int
            throw new IllegalArgumentException("maxMessageLength must be 4..2^31-2, was " + maxMessageLength);
        }
        if (streamThreshold < 0 || wholeThreshold < 0) {
            throw new IllegalArgumentException("stream thresholds must not be negative");
        }
        if (wholeTags == null) {
            throw new IllegalArgumentException("wholeTags must not be null");
        }
    }

    /** One stream threshold for every message type. */
    public FrameLimits(int maxMessageLength, int streamThreshold) {
        this(maxMessageLength, streamThreshold, "", 0);
    }

    /** Limits that never stream: every message up to {@code maxMessageLength} arrives whole. */
    public static FrameLimits wholeMessages(int maxMessageLength) {
        return new FrameLimits(maxMessageLength, maxMessageLength);
    }

    /**
     * These limits, except that messages of the given types arrive whole up to {@code threshold}
     * bytes of body (higher or lower than the common threshold), and stream above it.
     */
    public FrameLimits wholeUpTo(int threshold, char... tags) {
        return new FrameLimits(maxMessageLength, streamThreshold, new String(tags), threshold);
    }

    /** The stream threshold of one message type. */
    public int streamThreshold(byte tag) {
        return !wholeTags.isEmpty() && wholeTags.indexOf(tag & 0xFF) >= 0 ? wholeThreshold : streamThreshold;
    }
}
