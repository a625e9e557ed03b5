package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.Internal;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads shards through enhanced fan-out: one SubscribeToShard subscription per shard on an HTTP/2
 * client, turned into the same {@link FetchResult}s and bounded buffer as {@link ShardPoller}.
 *
 * <p>Events are requested one at a time; while the buffer is full or a shard is paused no further
 * event is requested, and requesting resumes on {@link #release} or {@link #resume}. The SDK's
 * threads only hand events over to this reader's own thread, so they never block.
 *
 * <p>Each shard's continuation sequence number is kept. When a subscription ends (Kinesis ends them
 * after 5 minutes) or fails with a retryable error, the shard is subscribed again after that number
 * (or at the original start if no event came yet), with backoff after failures. A subscription that
 * brings no event within {@link FanOutOptions#subscriptionHealthTimeout()} is cancelled and
 * renewed. Every subscription has a generation, and events of any but the shard's current one are
 * dropped, so a renewal never repeats or loses records. An event without a continuation sequence
 * number ends the shard; see {@link FanOutOptions#closedShardProbeInterval()} for services that
 * never send one.
 */
@Internal
public final class FanOutSubscriber implements ShardReader {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutSubscriber.class);

    private final KinesisAsyncClient client;
    private final ShardRetention retention;
    private final StreamRef stream;
    private final FanOutOptions options;
    private final Backoff backoff;
    private final PollerMetrics metrics;
    private final long healthNanos;
    private final long probeNanos;
    private final long spacingNanos;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ResultQueue results = new ResultQueue();
    private final AtomicLong bufferedBytes = new AtomicLong();

    /** Shard state, touched only on the scheduler thread. */
    private final Map<String, Lane> lanes = new HashMap<>();

    private final Set<Lane> waitingForRoom = new LinkedHashSet<>();
    private String consumerArn;
    private long generations;
    private volatile boolean closed;

    /**
     * A reader that subscribes through the consumer whose ARN {@code consumerArn} yields; shards
     * added before it is known are subscribed once it is. If it fails, {@link #poll} throws.
     */
    public FanOutSubscriber(
            KinesisAsyncClient client,
            StreamRef stream,
            CompletableFuture<String> consumerArn,
            FanOutOptions options,
            PollerMetrics metrics) {
        this.client = client;
        this.retention = new ShardRetention(client, stream);
        this.stream = stream;
        this.options = options;
        this.backoff = options.backoff();
        this.metrics = metrics;
        this.healthNanos = options.subscriptionHealthTimeout().toNanos();
        this.probeNanos = options.closedShardProbeInterval().toNanos();
        this.spacingNanos = options.subscribeSpacing().toNanos();
        this.scheduler =
                new ScheduledThreadPoolExecutor(
                        1,
                        r -> {
                            Thread t = new Thread(r, "kinesis-efo-" + stream.name());
                            t.setDaemon(true);
                            return t;
                        });
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long tick = Math.min(healthNanos / 5, TimeUnit.SECONDS.toNanos(1));
        if (probeNanos > 0) {
            tick = Math.min(tick, probeNanos / 2);
        }
        tick = Math.max(tick, TimeUnit.MILLISECONDS.toNanos(20));
        scheduler.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
        consumerArn.whenComplete((arn, error) -> run(() -> onConsumerArn(arn, error)));
    }

    @Override
    public PollerMetrics metrics() {
        return metrics;
    }

    /**
     * Starts reading {@code shardId}; LATEST is pinned to now, and a sequence number older than the
     * trim horizon is handled as {@link FanOutOptions#failOnTrimmedPosition()} says.
     */
    @Override
    public void addShard(String shardId, StartingPosition requested) {
        StartingPosition pinned = requested.pinnedAt(Instant.now());
        run(
                () -> {
                    if (lanes.containsKey(shardId)) {
                        LOG.warn("shard {} is already subscribed; ignoring second add", shardId);
                        return;
                    }
                    Lane lane = new Lane(shardId);
                    lanes.put(shardId, lane);
                    retention
                            .startOf(shardId, pinned, options.failOnTrimmedPosition(), metrics)
                            .whenComplete(
                                    (position, error) ->
                                            run(() -> startLane(lane, position, error)));
                });
    }

    private void startLane(Lane lane, StartingPosition position, Throwable error) {
        if (lane.removed || closed) {
            return;
        }
        if (error != null) {
            results.fail(new KinesisCallException(KinesisErrors.unwrap(error).getMessage(), error));
            return;
        }
        lane.start = position;
        LOG.info(
                "reading shard {} of stream {} by enhanced fan-out from {}",
                lane.shardId,
                stream,
                position);
        subscribe(lane);
    }

    @Override
    public void removeShard(String shardId) {
        run(
                () -> {
                    Lane lane = lanes.remove(shardId);
                    if (lane != null) {
                        lane.removed = true;
                        waitingForRoom.remove(lane);
                        cancel(lane);
                    }
                });
    }

    @Override
    public void pause(String shardId) {
        run(
                () -> {
                    Lane lane = lanes.get(shardId);
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
                    Lane lane = lanes.get(shardId);
                    if (lane != null && lane.paused) {
                        lane.paused = false;
                        requestMore(lane);
                    }
                });
    }

    @Override
    public List<FetchResult> poll(long timeout, TimeUnit unit) throws InterruptedException {
        return poll(timeout, unit, true);
    }

    @Override
    public List<FetchResult> pollHeld(long timeout, TimeUnit unit) throws InterruptedException {
        return poll(timeout, unit, false);
    }

    @Override
    public void release(long bytes) {
        if (bytes > 0 && bufferedBytes.addAndGet(-bytes) < options.maxBufferedBytes() && !closed) {
            run(this::resumeWaiting);
        }
    }

    @Override
    public void wakeup() {
        results.wakeup();
    }

    @Override
    public long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** Cancels every subscription and stops; waits up to 2 s for the cancellations to be sent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        run(
                () -> {
                    for (Lane lane : lanes.values()) {
                        lane.removed = true;
                        cancel(lane);
                    }
                    lanes.clear();
                });
        closed = true;
        scheduler.shutdown();
        wakeup();
        try {
            // let the cancellations reach the SDK before the caller closes the client
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<FetchResult> poll(long timeout, TimeUnit unit, boolean autoRelease)
            throws InterruptedException {
        return results.take(timeout, unit, autoRelease ? this::release : bytes -> {});
    }

    private void run(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    private void runLater(Runnable task, long delayNanos) {
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                throw e;
            }
        }
    }

    private boolean isFull() {
        return bufferedBytes.get() >= options.maxBufferedBytes();
    }

    private void onConsumerArn(String arn, Throwable error) {
        if (closed) {
            return;
        }
        if (error != null) {
            Throwable cause = KinesisErrors.unwrap(error);
            String message =
                    "stream consumer '"
                            + options.consumerName()
                            + "' of stream "
                            + stream
                            + " is not usable: "
                            + cause;
            LOG.error(message);
            results.fail(new KinesisCallException(message, cause));
            return;
        }
        consumerArn = arn;
        for (Lane lane : new ArrayList<>(lanes.values())) {
            subscribe(lane);
        }
    }

    private void subscribe(Lane lane) {
        if (closed
                || lane.removed
                || lane.start == null
                || lane.sub != null
                || consumerArn == null) {
            return;
        }
        long now = System.nanoTime();
        long wait = lane.lastSubscribeNanos + spacingNanos - now;
        if (lane.subscribed && wait > 0) {
            scheduleSubscribe(lane, wait);
            return;
        }
        Sub sub = new Sub(lane, ++generations);
        lane.sub = sub;
        lane.subscribed = true;
        lane.lastSubscribeNanos = now;
        lane.lastEventMillis = System.currentTimeMillis();
        sub.lastEventNanos = now;
        metrics.subscriptions.increment();
        SubscribeToShardRequest request =
                SubscribeToShardRequest.builder()
                        .consumerARN(consumerArn)
                        .shardId(lane.shardId)
                        .startingPosition(toSubscribePosition(lane.position()))
                        .build();
        LOG.debug("subscribing to shard {} from {} (#{})", lane.shardId, lane.position(), sub.id);
        try {
            sub.future = client.subscribeToShard(request, sub);
            sub.future.whenComplete(
                    (ignored, error) -> {
                        if (error != null) {
                            run(() -> onSubscriptionEnd(sub, error));
                        }
                    });
        } catch (RuntimeException e) {
            onSubscriptionEnd(sub, e);
        }
    }

    private void scheduleSubscribe(Lane lane, long delayNanos) {
        if (lane.retryPending) {
            return;
        }
        lane.retryPending = true;
        runLater(
                () -> {
                    lane.retryPending = false;
                    subscribe(lane);
                },
                delayNanos);
    }

    static software.amazon.awssdk.services.kinesis.model.StartingPosition toSubscribePosition(
            StartingPosition position) {
        software.amazon.awssdk.services.kinesis.model.StartingPosition.Builder b =
                software.amazon.awssdk.services.kinesis.model.StartingPosition.builder();
        switch (position.type()) {
            case LATEST:
                return b.type(ShardIteratorType.LATEST).build();
            case TRIM_HORIZON:
                return b.type(ShardIteratorType.TRIM_HORIZON).build();
            case AT_TIMESTAMP:
                return b.type(ShardIteratorType.AT_TIMESTAMP)
                        .timestamp(position.timestamp())
                        .build();
            case AT_SEQUENCE_NUMBER:
                return b.type(ShardIteratorType.AT_SEQUENCE_NUMBER)
                        .sequenceNumber(position.sequenceNumber())
                        .build();
            case AFTER_SEQUENCE_NUMBER:
                return b.type(
                                position.resumesInsideAggregate()
                                        ? ShardIteratorType.AT_SEQUENCE_NUMBER
                                        : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .sequenceNumber(position.sequenceNumber())
                        .build();
            default:
                throw new IllegalStateException(
                        "a " + position.type() + " position must be resolved before reading");
        }
    }

    private void onSubscribed(Sub sub) {
        if (sub != sub.lane.sub) {
            sub.cancel();
            return;
        }
        requestMore(sub.lane);
    }

    private void requestMore(Lane lane) {
        Sub sub = lane.sub;
        if (closed
                || lane.removed
                || lane.paused
                || sub == null
                || sub.subscription == null
                || sub.requested) {
            return;
        }
        if (isFull()) {
            waitingForRoom.add(lane);
            return;
        }
        sub.requested = true;
        sub.lastEventNanos = System.nanoTime();
        sub.subscription.request(1);
    }

    private void resumeWaiting() {
        if (waitingForRoom.isEmpty() || isFull()) {
            return;
        }
        List<Lane> resume = new ArrayList<>(waitingForRoom);
        waitingForRoom.clear();
        for (Lane lane : resume) {
            requestMore(lane);
        }
    }

    private void onEvent(Sub sub, SubscribeToShardEventStream item) {
        Lane lane = sub.lane;
        if (sub != lane.sub || sub.ended) {
            metrics.staleEvents.increment();
            return;
        }
        sub.requested = false;
        long now = System.nanoTime();
        sub.lastEventNanos = now;
        if (!(item instanceof SubscribeToShardEvent)) {
            requestMore(lane);
            return;
        }
        SubscribeToShardEvent event = (SubscribeToShardEvent) item;
        lane.failures = 0;
        List<Record> records = event.records();
        Long behind = event.millisBehindLatest();
        if (behind != null) {
            metrics.millisBehindLatest.put(lane.shardId, behind);
        }
        lane.caughtUp = behind != null && behind == 0;
        StartingPosition resumeInside =
                !lane.recordSeen && lane.start.resumesInsideAggregate() ? lane.start : null;
        long bytes = 0;
        if (!records.isEmpty()) {
            for (int i = 0; i < records.size(); i++) {
                bytes +=
                        records.get(i).data().asByteArrayUnsafe().length
                                + ShardPoller.RECORD_OVERHEAD;
            }
            lane.recordSeen = true;
            lane.lastRecordNanos = now;
            metrics.recordsFetched.add(records.size());
            metrics.bytesFetched.add(bytes);
        }
        String continuation = event.continuationSequenceNumber();
        boolean end = continuation == null;
        if (!end) {
            lane.continuation = continuation;
        }
        bufferedBytes.addAndGet(bytes);
        long previousEventMillis = lane.lastEventMillis;
        lane.lastEventMillis = System.currentTimeMillis();
        results.add(
                new FetchResult(
                        lane.shardId,
                        records,
                        bytes,
                        behind,
                        end,
                        end ? childIds(event.childShards()) : List.of(),
                        resumeInside,
                        previousEventMillis));
        if (end) {
            LOG.info("shard {} of stream {} ended (enhanced fan-out)", lane.shardId, stream);
            endLane(lane);
            return;
        }
        requestMore(lane);
    }

    private void endLane(Lane lane) {
        lanes.remove(lane.shardId);
        lane.removed = true;
        waitingForRoom.remove(lane);
        cancel(lane);
    }

    private static List<String> childIds(List<ChildShard> children) {
        if (children == null || children.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(children.size());
        for (ChildShard child : children) {
            ids.add(child.shardId());
        }
        return ids;
    }

    private void onSubscriptionEnd(Sub sub, Throwable error) {
        if (sub.ended) {
            return;
        }
        sub.ended = true;
        Lane lane = sub.lane;
        if (sub != lane.sub || lane.removed || closed) {
            return;
        }
        lane.sub = null;
        waitingForRoom.remove(lane);
        if (error == null) {
            LOG.debug(
                    "subscription #{} to shard {} ended; subscribing again after {}",
                    sub.id,
                    lane.shardId,
                    lane.position());
            subscribe(lane);
            return;
        }
        onSubscriptionError(lane, error);
    }

    private void onSubscriptionError(Lane lane, Throwable error) {
        Throwable cause = KinesisErrors.unwrap(error);
        if (cause instanceof ResourceNotFoundException && !lane.goneChecked) {
            lane.goneChecked = true;
            lane.retryPending = true;
            retention
                    .isGone(lane.shardId, metrics)
                    .whenComplete(
                            (gone, e) ->
                                    run(
                                            () -> {
                                                lane.retryPending = false;
                                                if (lane.removed || closed) {
                                                    return;
                                                }
                                                if (Boolean.TRUE.equals(gone)) {
                                                    results.add(
                                                            FetchResult.shardEnd(
                                                                    lane.shardId, List.of()));
                                                    endLane(lane);
                                                } else {
                                                    onSubscriptionError(lane, error);
                                                }
                                            }));
            return;
        }
        if (isRetryable(cause)) {
            (KinesisErrors.isThrottling(cause) ? metrics.throttledCalls : metrics.transientErrors)
                    .increment();
            lane.failures++;
            long delayMillis = backoff.delayMillis(lane.failures);
            if (lane.failures == 1 || lane.failures % 20 == 0) {
                LOG.warn(
                        "subscription to shard {} of stream {} failed ({} in a row): {};"
                                + " subscribing again in {} ms",
                        lane.shardId,
                        stream,
                        lane.failures,
                        cause.toString(),
                        delayMillis);
            }
            scheduleSubscribe(lane, TimeUnit.MILLISECONDS.toNanos(delayMillis));
            return;
        }
        lanes.remove(lane.shardId);
        lane.removed = true;
        String message =
                "SubscribeToShard on shard "
                        + lane.shardId
                        + " of stream '"
                        + stream
                        + "' through consumer '"
                        + options.consumerName()
                        + "' failed: "
                        + cause
                        + (cause instanceof ResourceNotFoundException
                                ? " (was the stream, shard or stream consumer deleted?)"
                                : KinesisErrors.hint(cause, "the configured endpoint"));
        LOG.error(message);
        results.fail(new KinesisCallException(message, cause));
    }

    private static boolean isRetryable(Throwable cause) {
        if (cause instanceof ResourceInUseException || KinesisErrors.isTransient(cause)) {
            return true;
        }
        String code = KinesisErrors.errorCode(cause);
        return "InternalFailureException".equals(code) || "InternalFailure".equals(code);
    }

    private void cancel(Lane lane) {
        Sub sub = lane.sub;
        lane.sub = null;
        if (sub != null) {
            sub.ended = true;
            sub.cancel();
        }
    }

    private void tick() {
        if (closed || lanes.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Lane lane : new ArrayList<>(lanes.values())) {
            Sub sub = lane.sub;
            if (sub == null) {
                continue;
            }
            boolean waitingForEvent = sub.subscription == null || sub.requested;
            if (waitingForEvent && now - sub.lastEventNanos > healthNanos) {
                metrics.silentSubscriptions.increment();
                LOG.warn(
                        "subscription #{} to shard {} of stream {} brought no event for {} ms;"
                                + " renewing it after {}",
                        sub.id,
                        lane.shardId,
                        stream,
                        (now - sub.lastEventNanos) / 1_000_000,
                        lane.position());
                cancel(lane);
                waitingForRoom.remove(lane);
                subscribe(lane);
            } else if (probeNanos > 0
                    && lane.caughtUp
                    && !lane.probing
                    && now - Math.max(lane.lastRecordNanos, lane.lastProbeNanos) >= probeNanos) {
                probe(lane);
            }
        }
    }

    /**
     * Asks with GetShardIterator + GetRecords (limit 1) whether the shard has ended right after the
     * continuation: no record and no next iterator means it is closed and fully read.
     */
    private void probe(Lane lane) {
        lane.probing = true;
        lane.lastProbeNanos = System.nanoTime();
        metrics.closedShardProbes.increment();
        StartingPosition position = lane.position();
        GetShardIteratorRequest.Builder request =
                position.applyTo(GetShardIteratorRequest.builder().shardId(lane.shardId));
        if (stream.arn() != null) {
            request.streamARN(stream.arn());
        } else {
            request.streamName(stream.name());
        }
        try {
            client.getShardIterator(request.build())
                    .thenCompose(
                            it ->
                                    it.shardIterator() == null
                                            ? CompletableFuture.completedFuture(null)
                                            : client.getRecords(
                                                    GetRecordsRequest.builder()
                                                            .shardIterator(it.shardIterator())
                                                            .limit(1)
                                                            .build()))
                    .whenComplete(
                            (response, error) ->
                                    run(
                                            () -> {
                                                lane.probing = false;
                                                if (error != null) {
                                                    LOG.debug(
                                                            "closed-shard check of {} failed: {}",
                                                            lane.shardId,
                                                            error.toString());
                                                    return;
                                                }
                                                boolean closedShard =
                                                        response == null
                                                                || (response.records().isEmpty()
                                                                        && response
                                                                                        .nextShardIterator()
                                                                                == null);
                                                if (closedShard && !lane.removed) {
                                                    onProbedEnd(
                                                            lane,
                                                            response == null
                                                                    ? List.of()
                                                                    : childIds(
                                                                            response
                                                                                    .childShards()));
                                                }
                                            }));
        } catch (RuntimeException e) {
            lane.probing = false;
            LOG.debug("closed-shard check of {} failed: {}", lane.shardId, e.toString());
        }
    }

    private void onProbedEnd(Lane lane, List<String> children) {
        LOG.info(
                "shard {} of stream {} is closed and read to its end (checked with GetRecords;"
                        + " the subscription did not signal it); children {}",
                lane.shardId,
                stream,
                children);
        results.add(FetchResult.shardEnd(lane.shardId, children));
        endLane(lane);
    }

    /** One shard's reading state, touched only on the scheduler thread. */
    private static final class Lane {
        final String shardId;

        /** Where reading starts; null until the trim-horizon check has resolved it. */
        StartingPosition start;

        String continuation;
        boolean goneChecked;
        boolean recordSeen;
        boolean removed;
        boolean paused;
        boolean subscribed;
        boolean retryPending;
        boolean caughtUp;
        boolean probing;
        int failures;
        long lastSubscribeNanos;

        /** Wall clock of the last event (or subscription start): the next event is no older. */
        long lastEventMillis;

        long lastRecordNanos = System.nanoTime();
        long lastProbeNanos;
        Sub sub;

        Lane(String shardId) {
            this.shardId = shardId;
        }

        StartingPosition position() {
            return continuation != null
                    ? StartingPosition.afterSequenceNumber(continuation)
                    : start;
        }
    }

    /**
     * One SubscribeToShard call: its response handler and the subscriber of its events. Every
     * callback only hands over to the scheduler thread.
     */
    private final class Sub
            implements SubscribeToShardResponseHandler, Subscriber<SubscribeToShardEventStream> {
        final Lane lane;
        final long id;
        volatile Subscription subscription;
        volatile boolean cancelled;
        CompletableFuture<Void> future;
        boolean requested;
        boolean ended;
        long lastEventNanos;

        Sub(Lane lane, long id) {
            this.lane = lane;
            this.id = id;
        }

        void cancel() {
            cancelled = true;
            Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            if (future != null) {
                future.cancel(false);
            }
        }

        @Override
        public void responseReceived(SubscribeToShardResponse response) {}

        @Override
        public void onEventStream(SdkPublisher<SubscribeToShardEventStream> publisher) {
            publisher.subscribe(this);
        }

        @Override
        public void exceptionOccurred(Throwable throwable) {
            run(() -> onSubscriptionEnd(this, throwable));
        }

        @Override
        public void complete() {}

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
                return;
            }
            run(() -> onSubscribed(this));
        }

        @Override
        public void onNext(SubscribeToShardEventStream event) {
            run(() -> onEvent(this, event));
        }

        @Override
        public void onError(Throwable t) {
            run(() -> onSubscriptionEnd(this, t));
        }

        @Override
        public void onComplete() {
            run(() -> onSubscriptionEnd(this, null));
        }
    }
}
