package io.mlgate.audit.index;

import java.util.List;
import java.util.Optional;

/**
 * One page of a lookup, newest first; {@code next} is present when more events match, and is the position to pass
 * as {@code after} for the following page.
 */
public record EventPage(List<IndexedEvent> events, Optional<EventPosition> next) {

    public EventPage {
        events = List.copyOf(events);
    }
}
