package io.github.kinesisconsumer.kinesis.read;

/**
 * Sizes the GetRecords calls of {@link ShardReader#polling polling reader} within its buffer
 * budget: a call asks for no more records (GetRecords {@code Limit}) than fit in the room left at
 * the shard's record size, and reserves that much while in flight, so what calls bring exceeds the
 * budget by less than one record as long as records are no larger than those read before.
 */
final class CallSizing {

    /** The most records a caught-up shard asks for, unless its last answer had more. */
    static final int CAUGHT_UP_LIMIT = 100;

    private CallSizing() {}

    /**
     * The records a shard's next call wants: as many as a call may bring while the shard has more
     * to read, else twice its last answer (at least {@value #CAUGHT_UP_LIMIT}), so idle shards
     * reserve little.
     */
    static int wanted(int recordsPerCall, boolean more, int lastCount) {
        return more
                ? recordsPerCall
                : Math.min(recordsPerCall, Math.max(CAUGHT_UP_LIMIT, 2 * lastCount));
    }

    /**
     * The {@code Limit} of a call that wants {@code wanted} records of {@code recordCost} bytes
     * each while {@code used} of {@code max} bytes are buffered or reserved: what fits in the room
     * left, at least 1; or 0 when the call should wait, because the budget is used up, or less than
     * half of what it wants is free while other bytes may free room.
     */
    static int limit(int wanted, long recordCost, long max, long used) {
        long room = max - used;
        if (room <= 0 || (used > 0 && room < Math.min(max, wanted * recordCost) / 2)) {
            return 0;
        }
        return (int) Math.max(1, Math.min(wanted, room / recordCost));
    }
}
