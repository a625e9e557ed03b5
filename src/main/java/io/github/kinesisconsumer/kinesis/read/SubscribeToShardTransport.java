package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.KinesisErrors;
import io.github.kinesisconsumer.kinesis.wire.DecodedEvents;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads shards through enhanced fan-out: one SubscribeToShard subscription per shard on an HTTP/2
 * client. Events are requested one at a time, and only when the engine asks for the next answer, so
 * a full buffer or a paused shard requests nothing. The SDK's threads only hand events over to the
 * engine's thread, so they never block.
 *
 * <p>When a subscription ends (Kinesis ends them after 5 minutes) or fails with a retryable error,
 * the shard is subscribed again after its continuation sequence number (or at its start if no event
 * came yet). A subscription that brings no event within {@link
 * FanOutOptions#subscriptionHealthTimeout()} is cancelled and renewed. Every subscription has a
 * generation, and events of any but the shard's current one are dropped, so a renewal never repeats
 * or loses records. An event without a continuation sequence number ends the shard; see {@link
 * FanOutOptions#closedShardProbeInterval()} for services that never send one.
 */
final class SubscribeToShardTransport implements Transport<SubscribeToShardTransport.Line> {

    private static final Logger LOG = LoggerFactory.getLogger(SubscribeToShardTransport.class);

    private final KinesisAsyncClient client;
    private final FanOutOptions options;
    private final CompletableFuture<String> consumerArnFuture;
    private final long healthNanos;
    private final long probeNanos;
    private final long spacingNanos;
    private ShardReadingEngine<Line> engine;
    private String consumerArn;
    private long generations;

    SubscribeToShardTransport(
            KinesisAsyncClient client,
            CompletableFuture<String> consumerArn,
            FanOutOptions options) {
        this.client = client;
        this.options = options;
        this.consumerArnFuture = consumerArn;
        this.healthNanos = options.subscriptionHealthTimeout().toNanos();
        this.probeNanos = options.closedShardProbeInterval().toNanos();
        this.spacingNanos = options.subscribeSpacing().toNanos();
    }

    /** One shard's subscription state. */
    static final class Line {
        Sub sub;
        boolean subscribed;
        boolean retryPending;
        boolean caughtUp;
        boolean probing;
        long lastSubscribeNanos;

        /** Wall clock of the last event (or subscription start): the next event is no older. */
        long lastEventMillis;

        long lastRecordNanos = System.nanoTime();
        long lastProbeNanos;
    }

    @Override
    public void bind(ShardReadingEngine<Line> engine) {
        this.engine = engine;
        engine.every(tickNanos(), () -> tick(System.nanoTime()));
        consumerArnFuture.whenComplete((arn, error) -> engine.run(() -> onConsumerArn(arn, error)));
    }

    @Override
    public void start(Lane<Line> lane) {
        subscribe(lane);
    }

    private void onConsumerArn(String arn, Throwable error) {
        if (engine.isClosed()) {
            return;
        }
        if (error != null) {
            Throwable cause = KinesisErrors.unwrap(error);
            String message =
                    "stream consumer '"
                            + options.consumerName()
                            + "' of stream "
                            + engine.stream()
                            + " is not usable: "
                            + cause;
            LOG.error(message);
            engine.fail(new KinesisCallException(message, cause));
            return;
        }
        consumerArn = arn;
        for (Lane<Line> lane : engine.lanes()) {
            subscribe(lane);
        }
    }

    private void subscribe(Lane<Line> lane) {
        Line line = lane.transport;
        if (engine.isClosed()
                || lane.removed
                || lane.checking
                || lane.start == null
                || line.sub != null
                || consumerArn == null) {
            return;
        }
        long now = System.nanoTime();
        long wait = line.lastSubscribeNanos + spacingNanos - now;
        if (line.subscribed && wait > 0) {
            retry(lane, wait);
            return;
        }
        Sub sub = new Sub(lane, ++generations);
        line.sub = sub;
        line.subscribed = true;
        line.lastSubscribeNanos = now;
        line.lastEventMillis = System.currentTimeMillis();
        sub.lastEventNanos = now;
        engine.metrics().subscriptions.increment();
        SubscribeToShardRequest.Builder request =
                SubscribeToShardRequest.builder()
                        .consumerARN(consumerArn)
                        .shardId(lane.shardId)
                        .startingPosition(SubscribePosition.of(lane.position()));
        sub.decoded = DecodedEvents.attachTo(request);
        LOG.debug("subscribing to shard {} from {} (#{})", lane.shardId, lane.position(), sub.id);
        try {
            sub.future = client.subscribeToShard(request.build(), sub);
            sub.future.whenComplete(
                    (ignored, error) -> {
                        if (error != null) {
                            engine.run(() -> onSubscriptionEnd(sub, error));
                        }
                    });
        } catch (RuntimeException e) {
            onSubscriptionEnd(sub, e);
        }
    }

    /** Subscribes again after {@code delayNanos}, unless a renewal is already pending. */
    @Override
    public void retry(Lane<Line> lane, long delayNanos) {
        Line line = lane.transport;
        if (line.retryPending) {
            return;
        }
        line.retryPending = true;
        engine.runLater(
                () -> {
                    line.retryPending = false;
                    subscribe(lane);
                },
                delayNanos);
    }

    /** Requests the next event, once the subscription is up and no request is outstanding. */
    @Override
    public void fetch(Lane<Line> lane) {
        Sub sub = lane.transport.sub;
        if (sub == null || sub.subscription == null || sub.requested) {
            return;
        }
        sub.requested = true;
        sub.lastEventNanos = System.nanoTime();
        sub.subscription.request(1);
    }

    private void onSubscribed(Sub sub) {
        if (sub != sub.lane.transport.sub) {
            sub.cancel();
            return;
        }
        engine.fetch(sub.lane);
    }

    private void onEvent(Sub sub, SubscribeToShardEventStream item) {
        Lane<Line> lane = sub.lane;
        Line line = lane.transport;
        if (sub != line.sub || sub.ended) {
            engine.metrics().staleEvents.increment();
            return;
        }
        sub.requested = false;
        long now = System.nanoTime();
        sub.lastEventNanos = now;
        if (!(item instanceof SubscribeToShardEvent)) {
            engine.fetch(lane);
            return;
        }
        SubscribeToShardEvent event = (SubscribeToShardEvent) item;
        List<RawRecord> records = sub.decoded.recordsOf(event);
        Long behind = event.millisBehindLatest();
        line.caughtUp = behind != null && behind == 0;
        if (!records.isEmpty()) {
            line.lastRecordNanos = now;
        }
        String continuation = event.continuationSequenceNumber();
        long previousEventMillis = line.lastEventMillis;
        line.lastEventMillis = System.currentTimeMillis();
        if (engine.deliver(
                lane,
                records,
                behind,
                continuation,
                continuation == null,
                event.childShards(),
                previousEventMillis)) {
            engine.fetch(lane);
        }
    }

    private void onSubscriptionEnd(Sub sub, Throwable error) {
        if (sub.ended) {
            return;
        }
        sub.ended = true;
        Lane<Line> lane = sub.lane;
        if (sub != lane.transport.sub || lane.removed || engine.isClosed()) {
            return;
        }
        lane.transport.sub = null;
        if (error == null) {
            LOG.debug(
                    "subscription #{} to shard {} ended; subscribing again after {}",
                    sub.id,
                    lane.shardId,
                    lane.position());
            subscribe(lane);
            return;
        }
        engine.failed(lane, "SubscribeToShard", error);
    }

    @Override
    public void stop(Lane<Line> lane) {
        Sub sub = lane.transport.sub;
        lane.transport.sub = null;
        if (sub != null) {
            sub.ended = true;
            sub.cancel();
        }
    }

    @Override
    public boolean recover(Lane<Line> lane, Throwable cause) {
        return false;
    }

    @Override
    public boolean retries(Throwable cause) {
        if (cause instanceof ResourceInUseException) {
            return true;
        }
        String code = KinesisErrors.errorCode(cause);
        return "InternalFailureException".equals(code) || "InternalFailure".equals(code);
    }

    @Override
    public String via() {
        return " through consumer '" + options.consumerName() + "'";
    }

    @Override
    public String missingHint() {
        return " (was the stream, shard or stream consumer deleted?)";
    }

    private long tickNanos() {
        long tick = Math.min(healthNanos / 5, TimeUnit.SECONDS.toNanos(1));
        if (probeNanos > 0) {
            tick = Math.min(tick, probeNanos / 2);
        }
        return Math.max(tick, TimeUnit.MILLISECONDS.toNanos(20));
    }

    /** Renews silent subscriptions and probes caught-up shards for a missed end. */
    private void tick(long now) {
        for (Lane<Line> lane : engine.lanes()) {
            Line line = lane.transport;
            Sub sub = line.sub;
            if (sub == null) {
                continue;
            }
            boolean waitingForEvent = sub.subscription == null || sub.requested;
            if (waitingForEvent && now - sub.lastEventNanos > healthNanos) {
                engine.metrics().silentSubscriptions.increment();
                LOG.warn(
                        "subscription #{} to shard {} of stream {} brought no event for {} ms;"
                                + " renewing it after {}",
                        sub.id,
                        lane.shardId,
                        engine.stream(),
                        (now - sub.lastEventNanos) / 1_000_000,
                        lane.position());
                stop(lane);
                subscribe(lane);
            } else if (probeNanos > 0
                    && line.caughtUp
                    && !line.probing
                    && now - Math.max(line.lastRecordNanos, line.lastProbeNanos) >= probeNanos) {
                probe(lane);
            }
        }
    }

    /**
     * Asks with GetShardIterator + GetRecords (limit 1) whether the shard has ended right after the
     * continuation: no record and no next iterator means it is closed and fully read.
     */
    private void probe(Lane<Line> lane) {
        Line line = lane.transport;
        line.probing = true;
        line.lastProbeNanos = System.nanoTime();
        engine.metrics().closedShardProbes.increment();
        try {
            client.getShardIterator(
                            ShardRetention.iteratorRequest(
                                    engine.stream(), lane.shardId, lane.position()))
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
                            (response, error) -> engine.run(() -> onProbe(lane, response, error)));
        } catch (RuntimeException e) {
            onProbe(lane, null, e);
        }
    }

    /**
     * No record and no next iterator (or no iterator at all) means the shard is closed and read.
     */
    private void onProbe(Lane<Line> lane, GetRecordsResponse response, Throwable error) {
        lane.transport.probing = false;
        if (error != null) {
            LOG.debug("closed-shard check of {} failed: {}", lane.shardId, error.toString());
            return;
        }
        if (lane.removed
                || (response != null
                        && (!response.records().isEmpty()
                                || response.nextShardIterator() != null))) {
            return;
        }
        List<String> children =
                response == null ? List.of() : FetchResult.childIds(response.childShards());
        LOG.info(
                "shard {} of stream {} is closed and read to its end (checked with GetRecords;"
                        + " the subscription did not signal it); children {}",
                lane.shardId,
                engine.stream(),
                children);
        engine.endShard(lane, children);
    }

    /**
     * One SubscribeToShard call: its response handler and the subscriber of its events. Every
     * callback only hands over to the engine's thread.
     */
    final class Sub
            implements SubscribeToShardResponseHandler, Subscriber<SubscribeToShardEventStream> {
        final Lane<Line> lane;
        final long id;
        volatile Subscription subscription;
        volatile boolean cancelled;
        CompletableFuture<Void> future;
        DecodedEvents decoded;
        boolean requested;
        boolean ended;
        long lastEventNanos;

        Sub(Lane<Line> lane, long id) {
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
            engine.run(() -> onSubscriptionEnd(this, throwable));
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
            engine.run(() -> onSubscribed(this));
        }

        @Override
        public void onNext(SubscribeToShardEventStream event) {
            engine.run(() -> onEvent(this, event));
        }

        @Override
        public void onError(Throwable t) {
            engine.run(() -> onSubscriptionEnd(this, t));
        }

        @Override
        public void onComplete() {
            engine.run(() -> onSubscriptionEnd(this, null));
        }
    }
}
