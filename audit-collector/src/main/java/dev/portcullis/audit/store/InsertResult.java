package dev.portcullis.audit.store;

import dev.portcullis.audit.event.IndexedEvent;
import java.util.List;

/**
 * @param inserted   the events stored by this batch, in batch order
 * @param duplicates events skipped because their id was already stored (or repeated in the batch)
 */
public record InsertResult(List<IndexedEvent> inserted, int duplicates) {}
