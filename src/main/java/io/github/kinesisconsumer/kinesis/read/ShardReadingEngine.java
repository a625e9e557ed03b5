package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.KinesisErrors;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads many shards of one stream through one {@link Transport}, from one thread. The engine owns
 * what both ways of reading share: the shards being read, their start (checked against the trim
 * horizon), pause and resume, the bounded buffer of results and their hand-over to the caller,
 * retries with backoff, and shards that are gone past retention.
 *
 * <p>Memory is bounded by a {@link BufferBudget}: a transport may reserve room for an answer in
 * flight; no fetch starts while results waiting to be taken and released plus reservations reach
 * the bound, and fetching resumes as the caller releases results.
 *
 * @param <S> what the transport keeps per shard
 */
@Internal
final class ShardReadingEngine<S> implements ShardReader {

    private static final Logger LOG = LoggerFactory.getLogger(ShardReadingEngine.class);

    private final Transport<S> transport;
    private final String transportName;
    private final Supplier<S> transportState;
    private final StreamRef stream;
    private final ShardRetention retention;
    private final PollerMetrics metrics;
    private final Backoff backoff;
    private final boolean failOnTrimmedPosition;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ResultQueue results = new ResultQueue();
    private final BufferBudget budget;

    /** Shard state, touched only on the scheduler thread. */
    private final Map<String, Lane<S>> lanes = new HashMap<>();

    private final Set<Lane<S>> waitingForRoom = new LinkedHashSet<>();

    private volatile boolean closed;

    ShardReadingEngine(
            KinesisAsyncClient client,
            StreamRef stream,
            Transport<S> transport,
            String transportName,
            Supplier<S> transportState,
            Backoff backoff,
            long maxBufferedBytes,
            boolean failOnTrimmedPosition,
            PollerMetrics metrics) {
        this.transport = transport;
        this.transportName = transportName;
        this.transportState = transportState;
        this.stream = stream;
        this.retention = new ShardRetention(client, stream);
        this.metrics = metrics;
        this.backoff = backoff;
        this.budget = new BufferBudget(maxBufferedBytes);
        this.failOnTrimmedPosition = failOnTrimmedPosition;
        this.scheduler =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t =
                                    new Thread(r, "kinesis-" + transportName + "-" + stream.name());
                            t.setDaemon(true);
                            return t;
                        });
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        transport.bind(this);
    }

    @Override
    public PollerMetrics metrics() {
        return metrics;
    }

    /**
     * Starts reading {@code shardId}; LATEST is pinned to now, so a later renewal starts at the
     * same moment, and a sequence number older than the trim horizon starts at TRIM_HORIZON or
     * fails, as configured.
     */
    @Override
    public void addShard(String shardId, StartingPosition requested) {
        StartingPosition pinned = requested.pinnedAt(Instant.now());
        run(
                () -> {
                    if (lanes.containsKey(shardId)) {
                        LOG.warn("shard {} is already read; ignoring second add", shardId);
                        return;
                    }
                    Lane<S> lane = new Lane<>(shardId, transportState.get());
                    lanes.put(shardId, lane);
                    if (pinned.sequenceNumber() == null) {
                        startLane(lane, pinned, null);
                        return;
                    }
                    retention
                            .startOf(shardId, pinned, failOnTrimmedPosition, metrics)
                            .whenComplete(
                                    (position, error) ->
                                            run(() -> startLane(lane, position, error)));
                });
    }

    private void startLane(Lane<S> lane, StartingPosition position, Throwable error) {
        if (lane.removed || closed) {
            return;
        }
        if (error != null) {
            Throwable cause = KinesisErrors.unwrap(error);
            dropLane(lane);
            LOG.error(cause.getMessage());
            results.fail(new KinesisCallException(cause.getMessage(), cause));
            return;
        }
        lane.start = position;
        LOG.info(
                "reading shard {} of stream {} by {} from {}",
                lane.shardId,
                stream,
                transportName,
                position);
        transport.start(lane);
    }

    @Override
    public void removeShard(String shardId) {
        run(
                () -> {
                    Lane<S> lane = lanes.get(shardId);
                    if (lane != null) {
                        dropLane(lane);
                    }
                });
    }

    @Override
    public void pause(String shardId) {
        run(
                () -> {
                    Lane<S> lane = lanes.get(shardId);
                    if (lane != null) {
                        lane.paused = true;
                        waitingForRoom.remove(lane);
                    }
                });
    }

    @Override
    public void resume(String shardId) {
        run(
                () -> {
                    Lane<S> lane = lanes.get(shardId);
                    if (lane != null && lane.paused) {
                        lane.paused = false;
                        fetch(lane);
                    }
                });
    }

    @Override
    public List<FetchResult> poll(long timeout, TimeUnit unit) throws InterruptedException {
        return results.take(timeout, unit, this::release);
    }

    @Override
    public List<FetchResult> pollHeld(long timeout, TimeUnit unit) throws InterruptedException {
        return results.take(timeout, unit, bytes -> {});
    }

    /**
     * Gives back the bytes of results taken with {@link #pollHeld}. Harmless after {@link #close}:
     * callers may still be releasing results they took before.
     */
    @Override
    public void release(long bytes) {
        if (bytes > 0 && budget.release(bytes) && !closed) {
            run(this::resumeWaiting);
        }
    }

    @Override
    public void wakeup() {
        results.wakeup();
    }

    /**
     * Bytes fetched and not yet taken by {@link #poll} (or taken by {@link #pollHeld} and not yet
     * released); reservations for answers in flight are not included.
     */
    @Override
    public long bufferedBytes() {
        return budget.buffered();
    }

    /** Stops every shard and the engine thread; waits up to 2 s for the transport to stop. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        run(
                () -> {
                    for (Lane<S> lane : lanes.values()) {
                        lane.removed = true;
                        transport.stop(lane);
                    }
                    lanes.clear();
                });
        closed = true;
        scheduler.shutdown();
        wakeup();
        try {
            // let cancellations reach the SDK before the caller closes the client
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- for transports, on the engine thread ----

    StreamRef stream() {
        return stream;
    }

    boolean isClosed() {
        return closed;
    }

    Collection<Lane<S>> lanes() {
        return new ArrayList<>(lanes.values());
    }

    /** Runs {@code task} on the engine thread every {@code periodNanos} while shards are read. */
    void every(long periodNanos, Runnable task) {
        Runnable whileReading =
                () -> {
                    if (!closed && !lanes.isEmpty()) {
                        task.run();
                    }
                };
        scheduler.scheduleWithFixedDelay(
                whileReading, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on the engine thread; dropped once the engine is closed. */
    void run(Runnable task) {
        runLater(task, 0);
    }

    void runLater(Runnable task, long delayNanos) {
        try {
            if (delayNanos <= 0) {
                scheduler.execute(task);
            } else {
                scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    /**
     * Asks the transport for the lane's next answer when the lane is readable and there is room.
     */
    void fetch(Lane<S> lane) {
        if (closed || !lane.readable()) {
            return;
        }
        if (budget.isFull()) {
            waitingForRoom.add(lane);
            return;
        }
        transport.fetch(lane);
    }

    void fetchLater(Lane<S> lane, long delayNanos) {
        if (delayNanos <= 0) {
            fetch(lane);
        } else {
            runLater(() -> fetch(lane), delayNanos);
        }
    }

    /** Parks the lane until the caller releases results. */
    void awaitRoom(Lane<S> lane) {
        waitingForRoom.add(lane);
    }

    BufferBudget budget() {
        return budget;
    }

    /**
     * The call in flight for the lane has answered: its reservation is given back. Returns whether
     * the lane is still read; if not, the answer is to be dropped.
     */
    boolean answered(Lane<S> lane) {
        budget.unreserve(lane);
        if (lane.removed || closed) {
            resumeWaiting();
            return false;
        }
        return true;
    }

    /**
     * Hands an answer to the caller. {@code resumeAfter} (if not null) is where reading continues;
     * an answer with {@code end} is the shard's last, and the lane is dropped. Returns whether the
     * lane goes on.
     */
    boolean deliver(
            Lane<S> lane,
            List<RawRecord> records,
            Long millisBehindLatest,
            String resumeAfter,
            boolean end,
            List<ChildShard> children,
            long requestedAtMillis) {
        lane.failures = 0;
        if (millisBehindLatest != null) {
            metrics.millisBehindLatest.put(lane.shardId, millisBehindLatest);
        }
        StartingPosition resumeInside =
                !lane.recordSeen && lane.start.resumesInsideAggregate() ? lane.start : null;
        long bytes = budget.add(lane, records);
        if (!records.isEmpty()) {
            lane.recordSeen = true;
            metrics.recordsFetched.add(records.size());
            metrics.bytesFetched.add(bytes);
        }
        if (resumeAfter != null) {
            lane.resumeAfter = resumeAfter;
        }
        resumeWaiting();
        results.add(
                new FetchResult(
                        lane.shardId,
                        records,
                        bytes,
                        millisBehindLatest,
                        end,
                        end ? FetchResult.childIds(children) : List.of(),
                        resumeInside,
                        requestedAtMillis));
        if (end) {
            LOG.info("shard {} of stream {} ended ({})", lane.shardId, stream, transportName);
            dropLane(lane);
        }
        return !end;
    }

    /** The shard has nothing more to read: hands over its end and drops the lane. */
    void endShard(Lane<S> lane, List<String> childShardIds) {
        results.add(FetchResult.shardEnd(lane.shardId, childShardIds));
        dropLane(lane);
    }

    /** Fails the whole reader: the next {@link #poll} throws {@code failure}. */
    void fail(KinesisCallException failure) {
        results.fail(failure);
    }

    /**
     * A call for the lane failed. A missing shard is checked for being gone past retention (then it
     * has ended); the transport may recover; transient errors are retried with backoff; any other
     * error fails the reader.
     */
    void failed(Lane<S> lane, String call, Throwable error) {
        budget.unreserve(lane);
        resumeWaiting();
        if (lane.removed || closed) {
            return;
        }
        Throwable cause = KinesisErrors.unwrap(error);
        if (cause instanceof ResourceNotFoundException && !lane.goneChecked) {
            lane.goneChecked = true;
            lane.checking = true;
            retention
                    .isGone(lane.shardId, metrics)
                    .whenComplete(
                            (gone, e) ->
                                    run(
                                            () -> {
                                                lane.checking = false;
                                                if (lane.removed || closed) {
                                                    return;
                                                }
                                                if (Boolean.TRUE.equals(gone)) {
                                                    endShard(lane, List.of());
                                                } else {
                                                    failed(lane, call, error);
                                                }
                                            }));
            return;
        }
        if (transport.recover(lane, cause)) {
            return;
        }
        if (KinesisErrors.isTimestampAhead(cause)) {
            metrics.transientErrors.increment();
            LOG.warn(
                    "{} on shard {} of stream {}: the service's clock is behind the start time {}"
                            + " (records before it are not to be read); retrying in 1 s",
                    call,
                    lane.shardId,
                    stream,
                    lane.start);
            transport.retry(lane, TimeUnit.SECONDS.toNanos(1));
            return;
        }
        if (KinesisErrors.isTransient(cause) || transport.retries(cause)) {
            (KinesisErrors.isThrottling(cause) ? metrics.throttledCalls : metrics.transientErrors)
                    .increment();
            lane.failures++;
            long delayMillis = backoff.delayMillis(lane.failures);
            if (lane.failures == 1 || lane.failures % 20 == 0) {
                LOG.warn(
                        "{} on shard {} of stream {} failed ({} in a row): {}; retrying in {} ms",
                        call,
                        lane.shardId,
                        stream,
                        lane.failures,
                        cause.toString(),
                        delayMillis);
            }
            transport.retry(lane, TimeUnit.MILLISECONDS.toNanos(delayMillis));
            return;
        }
        dropLane(lane);
        String message =
                call
                        + " on shard "
                        + lane.shardId
                        + " of stream '"
                        + stream
                        + "'"
                        + transport.via()
                        + " failed: "
                        + cause
                        + (cause instanceof ResourceNotFoundException
                                ? transport.missingHint()
                                : KinesisErrors.hint(cause, "the configured endpoint"));
        LOG.error(message);
        results.fail(new KinesisCallException(message, cause));
    }

    private void dropLane(Lane<S> lane) {
        lanes.remove(lane.shardId);
        lane.removed = true;
        waitingForRoom.remove(lane);
        transport.stop(lane);
    }

    private void resumeWaiting() {
        if (waitingForRoom.isEmpty() || budget.isFull()) {
            return;
        }
        List<Lane<S>> resume = new ArrayList<>(waitingForRoom);
        waitingForRoom.clear();
        for (Lane<S> lane : resume) {
            fetch(lane);
        }
    }
}
