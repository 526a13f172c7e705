package dev.portcullis.pgwire.frame;

/**
 * How big a tagged message may be, and from what size its body is streamed instead of delivered
 * whole.
 *
 * @param maxMessageLength the largest acceptable value of the Int32 length field (which counts
 *     itself but not the tag byte); anything larger fails before a body byte is buffered
 * @param streamThreshold bodies up to this many bytes arrive as one {@link Frame}; larger ones as
 *     a {@link FrameHeader} followed by {@link FrameChunk}s, so they are never buffered whole
 */
public record FrameLimits(int maxMessageLength, int streamThreshold) {

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
      throw new IllegalArgumentException(
          "maxMessageLength must be 4..2^31-2, was " + maxMessageLength);
    }
    if (streamThreshold < 0) {
      throw new IllegalArgumentException("streamThreshold must not be negative");
    }
  }

  /** Limits that never stream: every message up to {@code maxMessageLength} arrives whole. */
  public static FrameLimits wholeMessages(int maxMessageLength) {
    return new FrameLimits(maxMessageLength, maxMessageLength);
  }
}
