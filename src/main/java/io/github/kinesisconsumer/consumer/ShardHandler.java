package io.github.kinesisconsumer.consumer;

import java.util.List;

/** What a scan does with the records of one shard; always called on that shard's serial lane. */
interface ShardHandler {

    /** Delivers records; marks what may be checkpointed through {@code lane}. */
    void onRecords(List<ScanRecord> records, ShardLane lane) throws Exception;

    /** Called periodically, e.g. to deliver a batch that is old enough; a checkpoint follows. */
    default void onTick(ShardLane lane) throws Exception {}

    /** The shard ended: deliver anything held back. */
    default void onShardEnd(ShardLane lane) throws Exception {}

    /** The scan stops cleanly: deliver anything held back. */
    default void onCleanStop(ShardLane lane) throws Exception {}
}
