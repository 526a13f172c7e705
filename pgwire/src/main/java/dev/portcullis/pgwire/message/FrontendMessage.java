package dev.portcullis.pgwire.message;

/** A message a client sends: startup packets and everything tagged with a {@code FrontendTag}. */
public interface FrontendMessage extends PgMessage {}
