package io.github.kinesisconsumer.kinesis.read;

/**
 * How a {@link ShardReadingEngine} gets records of a shard: GetRecords polling or SubscribeToShard.
 * The engine owns the shards, the buffer budget, pausing and the hand-over of results; a transport
 * only fetches when asked and reports what came back through {@link ShardReadingEngine#deliver},
 * {@link ShardReadingEngine#failed} or {@link ShardReadingEngine#endShard}. Every method runs on
 * the engine's thread.
 *
 * @param <S> what the transport keeps per shard
 */
interface Transport<S> {

    /** Called once, before any other method. */
    void bind(ShardReadingEngine<S> engine);

    /** The lane's start is resolved: begin reading. */
    void start(Lane<S> lane);

    /**
     * Fetches the lane's next answer if nothing is in flight. The engine calls this only while the
     * lane is {@link Lane#readable() readable} and the buffer has room.
     */
    void fetch(Lane<S> lane);

    /** The lane is no longer read: drop or cancel what is in flight. */
    void stop(Lane<S> lane);

    /** Fetches again after {@code delayNanos}, after a failure that is retried. */
    void retry(Lane<S> lane, long delayNanos);

    /**
     * Handles a failure only this transport knows how to recover from (an expired iterator);
     * returns false to let the engine decide.
     */
    boolean recover(Lane<S> lane, Throwable cause);

    /** Whether a failure that is not transient for every call is retried by this transport. */
    boolean retries(Throwable cause);

    /** What a failure message adds after the stream, for example the stream consumer. */
    String via();

    /** The hint a failure message gives when Kinesis answers that a resource is missing. */
    String missingHint();
}
