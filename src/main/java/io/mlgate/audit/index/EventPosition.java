package io.mlgate.audit.index;

/**
 * Where an event sits in the lookup order: its event second, the sequence number of its log file and its ordinal in
 * that file. Lookups return events in descending position order (newest first); the position of the last event of
 * a page is where the next page continues. Positions are derived from the log files alone, so they survive an index
 * rebuild and a segment being compressed.
 */
public record EventPosition(long eventSecond, long segmentSequence, int ordinal) implements Comparable<EventPosition> {

    @Override
    public int compareTo(EventPosition o) {
        int c = Long.compare(eventSecond, o.eventSecond);
        if (c != 0) {
            return c;
        }
        c = Long.compare(segmentSequence, o.segmentSequence);
        return c != 0 ? c : Integer.compare(ordinal, o.ordinal);
    }
}
