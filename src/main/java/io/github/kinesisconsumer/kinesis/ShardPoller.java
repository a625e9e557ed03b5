package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Polls many shards of one stream, scheduled from one thread, through a client whose calls complete
 * asynchronously (for Kinesis, {@link ClientSettings#createPollingClient()}): each shard has at
 * most one call in flight, and its next GetRecords starts as soon as the last one returned, the
 * per-shard call budget allows, and the buffer has room. The caller takes results with {@link
 * #poll} (one per call, empty ones too, so a caller sees when a shard is caught up). Memory is
 * bounded by {@link PollerOptions#maxBufferedBytes()}: each record counts its payload plus {@value
 * #RECORD_OVERHEAD} bytes, each call asks for no more records than fit in the room left and
 * reserves that much while in flight ({@link CallSizing}), and no call starts while the results
 * waiting to be taken and released plus the reservations reach the limit.
 *
 * <p>Throttling and transient errors are retried with backoff and jitter; an expired iterator is
 * taken again after the last fetched record, so nothing is lost or repeated. Any other error of a
 * shard is rethrown by {@link #poll}.
 */
@Internal
public final class ShardPoller implements ShardReader {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPoller.class);

    /**
     * Heap a fetched record costs beyond its payload (the SDK record, its sequence number and
     * partition key), counted against {@link PollerOptions#maxBufferedBytes()}.
     */
    static final int RECORD_OVERHEAD = 512;

    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final PollerOptions options;
    private final Backoff backoff;
    private final long spacingNanos;
    private final long idleNanos;

    /** The largest record cost in the latest non-empty answer of any shard (scheduler thread). */
    private long latestRecordCost = CallSizing.UNKNOWN_RECORD_COST;

    private final ScheduledExecutorService scheduler;
    private final ResultQueue results = new ResultQueue();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicLong reservedBytes = new AtomicLong();
    private final PollerMetrics metrics;
    private final ShardRetention retention;

    /** Shard state, touched only on the scheduler thread. */
    private final Map<String, Cursor> cursors = new HashMap<>();

    private final Set<Cursor> waitingForRoom = new LinkedHashSet<>();
    private volatile boolean closed;

    public ShardPoller(KinesisAsyncClient client, StreamRef stream, PollerOptions options) {
        this(client, stream, options, new PollerMetrics());
    }

    /** A poller that counts into {@code metrics}, which the caller may read while it runs. */
    public ShardPoller(
            KinesisAsyncClient client,
            StreamRef stream,
            PollerOptions options,
            PollerMetrics metrics) {
        this.metrics = metrics;
        this.retention = new ShardRetention(client, stream);
        this.client = client;
        this.stream = stream;
        this.options = options;
        this.backoff = options.backoff();
        this.spacingNanos = options.minCallSpacingNanos();
        this.idleNanos = options.idlePollInterval().toNanos();
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "kinesis-poller-" + stream.name());
                            t.setDaemon(true);
                            return t;
                        });
    }

    @Override
    public PollerMetrics metrics() {
        return metrics;
    }

    /**
     * Starts polling {@code shardId} from {@code position}; LATEST is pinned to now, so an iterator
     * taken again later starts at the same moment.
     */
    @Override
    public void addShard(String shardId, StartingPosition requested) {
        StartingPosition position = requested.pinnedAt(Instant.now());
        scheduler.execute(
                () -> {
                    if (cursors.containsKey(shardId)) {
                        LOG.warn("shard {} is already polled; ignoring second add", shardId);
                        return;
                    }
                    Cursor cursor = new Cursor(shardId, position);
                    cursors.put(shardId, cursor);
                    LOG.info("polling shard {} of stream {} from {}", shardId, stream, position);
                    if (position.sequenceNumber() == null) {
                        schedule(cursor, 0);
                        return;
                    }
                    cursor.inFlight = true;
                    retention
                            .startOf(shardId, position, options.failOnTrimmedPosition(), metrics)
                            .whenCompleteAsync(
                                    (start, error) -> {
                                        cursor.inFlight = false;
                                        if (error != null) {
                                            onError(cursor, "GetShardIterator", error);
                                        } else {
                                            cursor.start = start;
                                            schedule(cursor, 0);
                                        }
                                    },
                                    scheduler);
                });
    }

    /** Stops polling a shard; results already fetched for it may still come out of poll. */
    @Override
    public void removeShard(String shardId) {
        scheduler.execute(
                () -> {
                    Cursor cursor = cursors.remove(shardId);
                    if (cursor != null) {
                        cursor.removed = true;
                        waitingForRoom.remove(cursor);
                    }
                });
    }

    /**
     * Stops new calls on a shard until {@link #resume}; used for watermark alignment. The shard
     * keeps its position.
     */
    @Override
    public void pause(String shardId) {
        scheduler.execute(
                () -> {
                    Cursor cursor = cursors.get(shardId);
                    if (cursor != null) {
                        cursor.paused = true;
                        waitingForRoom.remove(cursor);
                    }
                });
    }

    /** Resumes a shard paused with {@link #pause}. */
    @Override
    public void resume(String shardId) {
        scheduler.execute(
                () -> {
                    Cursor cursor = cursors.get(shardId);
                    if (cursor != null && cursor.paused) {
                        cursor.paused = false;
                        if (!cursor.inFlight) {
                            schedule(cursor, 0);
                        }
                    }
                });
    }

    /**
     * Waits up to {@code timeout} for results, then returns all that are ready (maybe none, on
     * timeout or {@link #wakeup()}).
     *
     * @throws KinesisCallException when a shard failed with an error that is not retried
     */
    @Override
    public List<FetchResult> poll(long timeout, TimeUnit unit) throws InterruptedException {
        return poll(timeout, unit, true);
    }

    /**
     * Like {@link #poll}, but the bytes of the returned results stay counted against {@link
     * PollerOptions#maxBufferedBytes()} until the caller {@link #release releases} them: for
     * callers that hand results on to other threads.
     */
    @Override
    public List<FetchResult> pollHeld(long timeout, TimeUnit unit) throws InterruptedException {
        return poll(timeout, unit, false);
    }

    /**
     * Gives back the bytes of results taken with {@link #pollHeld}. Harmless after {@link #close}:
     * callers may still be releasing results they took before.
     */
    @Override
    public void release(long bytes) {
        if (bytes > 0
                && bufferedBytes.addAndGet(-bytes) + reservedBytes.get()
                        < options.maxBufferedBytes()
                && !closed) {
            try {
                scheduler.execute(this::resumeWaiting);
            } catch (RejectedExecutionException e) {
                if (!closed) {
                    throw e;
                }
            }
        }
    }

    private List<FetchResult> poll(long timeout, TimeUnit unit, boolean autoRelease)
            throws InterruptedException {
        return results.take(timeout, unit, autoRelease ? this::release : bytes -> {});
    }

    /** Makes a blocked {@link #poll} return at once. */
    @Override
    public void wakeup() {
        results.wakeup();
    }

    /**
     * Bytes fetched and not yet taken by {@link #poll} (or taken by {@link #pollHeld} and not yet
     * released); calls in flight are not included.
     */
    @Override
    public long bufferedBytes() {
        return bufferedBytes.get();
    }

    private boolean isFull() {
        return bufferedBytes.get() + reservedBytes.get() >= options.maxBufferedBytes();
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        wakeup();
    }

    private void resumeWaiting() {
        if (waitingForRoom.isEmpty() || isFull()) {
            return;
        }
        List<Cursor> resume = new ArrayList<>(waitingForRoom);
        waitingForRoom.clear();
        for (Cursor cursor : resume) {
            schedule(cursor, 0);
        }
    }

    private void schedule(Cursor cursor, long delayNanos) {
        if (closed || cursor.removed) {
            return;
        }
        long wait = Math.max(delayNanos, cursor.nextCallAllowedNanos - System.nanoTime());
        if (wait <= 0) {
            fetch(cursor);
        } else {
            scheduler.schedule(() -> fetch(cursor), wait, TimeUnit.NANOSECONDS);
        }
    }

    private void fetch(Cursor cursor) {
        if (closed || cursor.removed || cursor.paused || cursor.inFlight) {
            return;
        }
        if (isFull()) {
            waitingForRoom.add(cursor);
            return;
        }
        if (cursor.iterator == null) {
            requestIterator(cursor);
            return;
        }
        long now = System.nanoTime();
        if (now < cursor.nextCallAllowedNanos) {
            scheduler.schedule(
                    () -> fetch(cursor), cursor.nextCallAllowedNanos - now, TimeUnit.NANOSECONDS);
            return;
        }
        long recordCost = cursor.recordCost > 0 ? cursor.recordCost : latestRecordCost;
        int limit =
                CallSizing.limit(
                        CallSizing.wanted(options.recordsPerCall(), cursor.more, cursor.lastCount),
                        recordCost,
                        options.maxBufferedBytes(),
                        bufferedBytes.get() + reservedBytes.get());
        if (limit == 0) {
            waitingForRoom.add(cursor);
            return;
        }
        long requestedAt = System.currentTimeMillis();
        cursor.nextCallAllowedNanos = now + spacingNanos;
        cursor.inFlight = true;
        cursor.limit = limit;
        cursor.reservedBytes = limit * recordCost;
        reservedBytes.addAndGet(cursor.reservedBytes);
        metrics.getRecordsCalls.increment();
        GetRecordsRequest.Builder request =
                GetRecordsRequest.builder().shardIterator(cursor.iterator).limit(cursor.limit);
        if (stream.arn() != null) {
            request.streamARN(stream.arn());
        }
        try {
            client.getRecords(request.build())
                    .whenCompleteAsync(
                            (response, error) ->
                                    onRecords(cursor, now, requestedAt, response, error),
                            scheduler);
        } catch (RuntimeException e) {
            onRecords(cursor, now, requestedAt, null, e);
        }
    }

    private void requestIterator(Cursor cursor) {
        StartingPosition position =
                cursor.lastSequenceNumber != null
                        ? StartingPosition.afterSequenceNumber(cursor.lastSequenceNumber)
                        : cursor.start;
        cursor.inFlight = true;
        GetShardIteratorRequest.Builder request =
                position.applyTo(GetShardIteratorRequest.builder().shardId(cursor.shardId));
        if (stream.arn() != null) {
            request.streamARN(stream.arn());
        } else {
            request.streamName(stream.name());
        }
        try {
            client.getShardIterator(request.build())
                    .whenCompleteAsync(
                            (response, error) -> {
                                cursor.inFlight = false;
                                if (error != null) {
                                    onError(cursor, "GetShardIterator", error);
                                } else if (!cursor.removed) {
                                    cursor.iterator = response.shardIterator();
                                    cursor.failures = 0;
                                    if (cursor.iterator == null) {
                                        finish(cursor, List.of());
                                    } else {
                                        fetch(cursor);
                                    }
                                }
                            },
                            scheduler);
        } catch (RuntimeException e) {
            cursor.inFlight = false;
            onError(cursor, "GetShardIterator", e);
        }
    }

    private void onRecords(
            Cursor cursor,
            long startNanos,
            long requestedAtMillis,
            GetRecordsResponse response,
            Throwable error) {
        cursor.inFlight = false;
        long reserved = cursor.reservedBytes;
        cursor.reservedBytes = 0;
        reservedBytes.addAndGet(-reserved);
        if (cursor.removed || closed) {
            resumeWaiting();
            return;
        }
        if (error != null) {
            onError(cursor, "GetRecords", error);
            resumeWaiting();
            return;
        }
        long latency = System.nanoTime() - startNanos;
        metrics.lastFetchLatencyNanos = latency;
        metrics.fetchNanos.add(latency);
        cursor.failures = 0;
        List<Record> records = response.records();
        Long behind = response.millisBehindLatest();
        if (behind != null) {
            metrics.millisBehindLatest.put(cursor.shardId, behind);
        }
        StartingPosition resumeInside = null;
        if (cursor.lastSequenceNumber == null && cursor.start.resumesInsideAggregate()) {
            resumeInside = cursor.start;
        }
        long bytes = 0;
        if (!records.isEmpty()) {
            long largest = 0;
            for (int i = 0; i < records.size(); i++) {
                long cost = records.get(i).data().asByteArrayUnsafe().length + RECORD_OVERHEAD;
                bytes += cost;
                largest = Math.max(largest, cost);
            }
            cursor.recordCost = largest;
            latestRecordCost = largest;
            cursor.lastSequenceNumber = records.get(records.size() - 1).sequenceNumber();
            metrics.recordsFetched.add(records.size());
            metrics.bytesFetched.add(bytes);
        }
        cursor.iterator = response.nextShardIterator();
        boolean end = cursor.iterator == null;
        List<String> children = end ? childIds(response.childShards()) : List.of();
        bufferedBytes.addAndGet(bytes);
        resumeWaiting();
        results.add(
                new FetchResult(
                        cursor.shardId,
                        records,
                        bytes,
                        behind,
                        end,
                        children,
                        resumeInside,
                        requestedAtMillis));
        if (end) {
            LOG.info("shard {} of stream {} ended", cursor.shardId, stream);
            cursors.remove(cursor.shardId);
            cursor.removed = true;
            return;
        }
        boolean more = records.size() >= cursor.limit || (behind != null && behind > 0);
        cursor.more = more;
        cursor.lastCount = records.size();
        schedule(cursor, records.isEmpty() && !more ? idleNanos : 0);
    }

    private void finish(Cursor cursor, List<String> children) {
        results.add(FetchResult.shardEnd(cursor.shardId, children));
        cursors.remove(cursor.shardId);
        cursor.removed = true;
    }

    private static List<String> childIds(List<ChildShard> childShards) {
        if (childShards == null || childShards.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(childShards.size());
        for (ChildShard child : childShards) {
            ids.add(child.shardId());
        }
        return ids;
    }

    private void onError(Cursor cursor, String call, Throwable error) {
        if (cursor.removed || closed) {
            return;
        }
        Throwable cause = KinesisErrors.unwrap(error);
        if (cause instanceof ResourceNotFoundException && !cursor.goneChecked) {
            cursor.goneChecked = true;
            cursor.inFlight = true;
            retention
                    .isGone(cursor.shardId, metrics)
                    .whenCompleteAsync(
                            (gone, e) -> {
                                cursor.inFlight = false;
                                if (Boolean.TRUE.equals(gone)) {
                                    finish(cursor, List.of());
                                } else {
                                    onError(cursor, call, error);
                                }
                            },
                            scheduler);
            return;
        }
        if (cause instanceof ExpiredIteratorException) {
            metrics.iteratorRefreshes.increment();
            LOG.info(
                    "iterator of shard {} expired; taking a new one after {}",
                    cursor.shardId,
                    cursor.lastSequenceNumber != null ? cursor.lastSequenceNumber : cursor.start);
            cursor.iterator = null;
            schedule(cursor, 0);
            return;
        }
        if (KinesisErrors.isTimestampAhead(cause)) {
            metrics.transientErrors.increment();
            LOG.warn(
                    "{} on shard {} of stream {}: the service's clock is behind the start time {}"
                            + " (records before it are not to be read); retrying in 1 s",
                    call,
                    cursor.shardId,
                    stream,
                    cursor.start);
            schedule(cursor, TimeUnit.SECONDS.toNanos(1));
            return;
        }
        if (KinesisErrors.isTransient(cause)) {
            boolean throttled = KinesisErrors.isThrottling(cause);
            (throttled ? metrics.throttledCalls : metrics.transientErrors).increment();
            cursor.failures++;
            long delayMillis = backoff.delayMillis(cursor.failures);
            if (cursor.failures == 1 || cursor.failures % 20 == 0) {
                LOG.warn(
                        "{} on shard {} of stream {} failed ({} in a row): {}; retrying in {} ms",
                        call,
                        cursor.shardId,
                        stream,
                        cursor.failures,
                        cause.toString(),
                        delayMillis);
            }
            schedule(cursor, TimeUnit.MILLISECONDS.toNanos(delayMillis));
            return;
        }
        cursors.remove(cursor.shardId);
        cursor.removed = true;
        String message =
                call
                        + " on shard "
                        + cursor.shardId
                        + " of stream '"
                        + stream
                        + "' failed: "
                        + cause
                        + (cause instanceof ResourceNotFoundException
                                ? " (was the stream or shard deleted?)"
                                : KinesisErrors.hint(cause, "the configured endpoint"));
        LOG.error(message);
        results.fail(new KinesisCallException(message, cause));
    }

    private static final class Cursor {
        final String shardId;
        StartingPosition start;
        boolean goneChecked;
        String iterator;
        String lastSequenceNumber;
        long nextCallAllowedNanos;
        int failures;
        boolean removed;
        boolean paused;
        boolean inFlight;
        long reservedBytes;
        int limit;
        boolean more = true;
        int lastCount;

        /** The largest record cost in the shard's last non-empty answer; 0 before one. */
        long recordCost;

        Cursor(String shardId, StartingPosition start) {
            this.shardId = shardId;
            this.start = start;
            this.nextCallAllowedNanos = System.nanoTime();
        }
    }
}
