package io.mlgate.audit.index;

/**
 * The per-event columns of one log file, addressed by ordinal (the event's position among the file's indexed
 * records), with the file's string dictionaries and the ordinals sorted by (time, ordinal). Implemented in memory for
 * the segment being written and over a memory-mapped sidecar for closed log files.
 */
interface Columns {

    /** Dictionary-encoded string columns; -1 in a column means absent. */
    enum Field { NAME, SOURCE, USER, KEY, CATEGORY, RESOURCE_TYPE, RESOURCE_ARN }

    int count();

    /** Oldest and newest event second (meaningless when {@code count() == 0}). */
    long minTime();

    long maxTime();

    long time(int ordinal);

    int id(Field field, int ordinal);

    /** 0 false, 1 true, 2 absent. */
    int readOnly(int ordinal);

    long eventIdHigh(int ordinal);

    long eventIdLow(int ordinal);

    /** Offset of the record in the log file's uncompressed bytes. */
    long offset(int ordinal);

    /** Length of the record line without its newline. */
    int length(int ordinal);

    /** Resources of an event are the entries {@code [resourceStart(o), resourceStart(o + 1))}. */
    int resourceStart(int ordinal);

    /** Resource entry {@code r}'s type or ARN id (field RESOURCE_TYPE or RESOURCE_ARN). */
    int resource(Field field, int r);

    /** The ordinal at position {@code p} of the (time, ordinal) ascending order. */
    int sorted(int position);

    /** The id of {@code value} in a dictionary, or -1 when no event of this file has it. */
    int lookup(Field field, String value);

    String string(Field field, int id);

    /** Number of entries in a dictionary. */
    int dictionarySize(Field field);
}
