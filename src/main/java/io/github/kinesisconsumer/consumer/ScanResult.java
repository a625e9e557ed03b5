package io.github.kinesisconsumer.consumer;

import io.github.kinesisconsumer.annotation.PublicEvolving;

/** What a scan callback asks for after a record. */
@PublicEvolving
public enum ScanResult {
    /** The record is done: the checkpoint may advance past it. */
    CONTINUE,
    /**
     * Go on, but do not advance the checkpoint past this record: it is delivered again after a
     * restart unless a later record of the shard is checkpointed.
     */
    SKIP_CHECKPOINT,
    /** The record is done (checkpointed); stop the whole scan, which then returns normally. */
    STOP
}
