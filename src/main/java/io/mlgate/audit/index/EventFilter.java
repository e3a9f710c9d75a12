package io.mlgate.audit.index;

import java.util.Optional;

/** A lookup attribute (and the data-event switch) compiled against one file's dictionaries. */
final class EventFilter {

    private final LookupKey key;
    private final int id;
    private final int[] arnIds;
    private final long idHigh;
    private final long idLow;
    private final int dataId;

    private EventFilter(LookupKey key, int id, int[] arnIds, long idHigh, long idLow, int dataId) {
        this.key = key;
        this.id = id;
        this.arnIds = arnIds;
        this.idHigh = idHigh;
        this.idLow = idLow;
        this.dataId = dataId;
    }

    /** The filter for {@code c}, or null when no event of that file can match. */
    static EventFilter compile(Columns c, Optional<LookupAttribute> attribute, boolean includeDataEvents) {
        int dataId = includeDataEvents ? -1 : c.lookup(Columns.Field.CATEGORY, "Data");
        if (attribute.isEmpty()) {
            return new EventFilter(null, -1, null, 0, 0, dataId);
        }
        LookupAttribute a = attribute.get();
        String v = a.value();
        return switch (a.key()) {
            case EVENT_NAME -> byId(c, a.key(), Columns.Field.NAME, v, dataId);
            case EVENT_SOURCE -> byId(c, a.key(), Columns.Field.SOURCE, v, dataId);
            case USERNAME -> byId(c, a.key(), Columns.Field.USER, v, dataId);
            case ACCESS_KEY_ID -> byId(c, a.key(), Columns.Field.KEY, v, dataId);
            case RESOURCE_TYPE -> byId(c, a.key(), Columns.Field.RESOURCE_TYPE, v, dataId);
            case READ_ONLY -> new EventFilter(a.key(), v.equalsIgnoreCase("true") ? 1 : 0, null, 0, 0, dataId);
            case EVENT_ID -> {
                long[] k = EventIdKey.of(v);
                yield new EventFilter(a.key(), -1, null, k[0], k[1], dataId);
            }
            case RESOURCE_NAME -> {
                int n = c.dictionarySize(Columns.Field.RESOURCE_ARN);
                int[] ids = new int[4];
                int found = 0;
                for (int i = 0; i < n; i++) {
                    String arn = c.string(Columns.Field.RESOURCE_ARN, i);
                    if (arn.equals(v) || RecordFields.lastPart(arn).equals(v)) {
                        if (found == ids.length) {
                            ids = java.util.Arrays.copyOf(ids, found * 2);
                        }
                        ids[found++] = i;
                    }
                }
                yield found == 0 ? null
                        : new EventFilter(a.key(), -1, java.util.Arrays.copyOf(ids, found), 0, 0, dataId);
            }
        };
    }

    private static EventFilter byId(Columns c, LookupKey key, Columns.Field field, String v, int dataId) {
        int id = c.lookup(field, v);
        return id < 0 ? null : new EventFilter(key, id, null, 0, 0, dataId);
    }

    boolean test(Columns c, int o) {
        if (dataId >= 0 && c.id(Columns.Field.CATEGORY, o) == dataId) {
            return false;
        }
        if (key == null) {
            return true;
        }
        return switch (key) {
            case EVENT_NAME -> c.id(Columns.Field.NAME, o) == id;
            case EVENT_SOURCE -> c.id(Columns.Field.SOURCE, o) == id;
            case USERNAME -> c.id(Columns.Field.USER, o) == id;
            case ACCESS_KEY_ID -> c.id(Columns.Field.KEY, o) == id;
            case READ_ONLY -> c.readOnly(o) == id;
            case EVENT_ID -> c.eventIdHigh(o) == idHigh && c.eventIdLow(o) == idLow;
            case RESOURCE_TYPE -> anyResource(c, o, Columns.Field.RESOURCE_TYPE);
            case RESOURCE_NAME -> anyResource(c, o, Columns.Field.RESOURCE_ARN);
        };
    }

    private boolean anyResource(Columns c, int o, Columns.Field field) {
        int end = c.resourceStart(o + 1);
        for (int r = c.resourceStart(o); r < end; r++) {
            int rid = c.resource(field, r);
            if (arnIds == null) {
                if (rid == id) {
                    return true;
                }
            } else {
                for (int a : arnIds) {
                    if (a == rid) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
