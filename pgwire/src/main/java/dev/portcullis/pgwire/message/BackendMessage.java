package dev.portcullis.pgwire.message;

/** A message a server sends, tagged with a {@code BackendTag}. */
public interface BackendMessage extends PgMessage {}
