package io.github.kinesisconsumer.testing;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A scripted enhanced fan-out service for unit tests: SubscribeToShard on in-memory shards, events
 * delivered on its own "event loop" thread only as far as the subscriber requested them. Each new
 * subscription follows the next {@link Behaviour} queued with {@link #next}, else {@link
 * Behaviour#normal()}. Every subscription is kept for assertions.
 */
public final class FakeFanOut implements KinesisAsyncClient {

    private static final long FIRST_SEQUENCE = 100_000;

    private final Map<String, List<Record>> shards = new ConcurrentHashMap<>();
    private final Map<String, List<String>> closedShards = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Behaviour> script = new ConcurrentLinkedDeque<>();
    private final ScheduledExecutorService loop =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "fake-fan-out-loop");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile int recordsPerEvent = 10;
    private volatile int payloadBytes = 0;
    private volatile Duration iteratorDelay;

    /** Every subscription made, in order. */
    public final List<Sub> subscriptions = new CopyOnWriteArrayList<>();

    /** What a subscription does. */
    public static final class Behaviour {
        final int eventsBeforeSilence;
        final int eventsBeforeComplete;
        final RuntimeException failure;
        final boolean respond;

        private Behaviour(int silence, int complete, RuntimeException failure, boolean respond) {
            this.eventsBeforeSilence = silence;
            this.eventsBeforeComplete = complete;
            this.failure = failure;
            this.respond = respond;
        }

        /** Serves events until the shard ends. */
        public static Behaviour normal() {
            return new Behaviour(Integer.MAX_VALUE, Integer.MAX_VALUE, null, true);
        }

        /** Serves {@code events} events, then sends nothing more while staying open. */
        public static Behaviour silentAfter(int events) {
            return new Behaviour(events, Integer.MAX_VALUE, null, true);
        }

        /** Serves {@code events} events, then completes (as Kinesis does after 5 minutes). */
        public static Behaviour completeAfter(int events) {
            return new Behaviour(Integer.MAX_VALUE, events, null, true);
        }

        /** Fails at once with {@code failure}. */
        public static Behaviour fail(RuntimeException failure) {
            return new Behaviour(0, Integer.MAX_VALUE, failure, true);
        }
    }

    /** Adds an open shard with {@code count} records {@code "<shard>:<i>"}. */
    public FakeFanOut shard(String shardId, int count) {
        List<Record> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(record(shardId, i));
        }
        shards.put(shardId, records);
        return this;
    }

    /** Closes a shard: after its last record, an event without continuation names children. */
    public FakeFanOut close(String shardId, String... children) {
        closedShards.put(shardId, List.of(children));
        return this;
    }

    public FakeFanOut recordsPerEvent(int n) {
        this.recordsPerEvent = n;
        return this;
    }

    /** Pads each record's payload to at least {@code bytes} bytes. */
    public FakeFanOut payloadBytes(int bytes) {
        this.payloadBytes = bytes;
        return this;
    }

    /**
     * Answers GetShardIterator (TRIM_HORIZON only) after {@code delay} on the fake's own thread, as
     * a remote service does, and GetRecords with the shard's oldest record; without it both calls
     * are unsupported.
     */
    public FakeFanOut answerTrimHorizonAfter(Duration delay) {
        this.iteratorDelay = delay;
        return this;
    }

    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(
            GetShardIteratorRequest request) {
        Duration delay = iteratorDelay;
        if (delay == null) {
            throw new UnsupportedOperationException("getShardIterator");
        }
        CompletableFuture<GetShardIteratorResponse> answer = new CompletableFuture<>();
        loop.schedule(
                () ->
                        answer.complete(
                                GetShardIteratorResponse.builder()
                                        .shardIterator(request.shardId())
                                        .build()),
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
        return answer;
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        if (iteratorDelay == null) {
            throw new UnsupportedOperationException("getRecords");
        }
        List<Record> records = shards.getOrDefault(request.shardIterator(), List.of());
        return CompletableFuture.supplyAsync(
                () ->
                        GetRecordsResponse.builder()
                                .records(records.isEmpty() ? List.of() : List.of(records.get(0)))
                                .nextShardIterator(request.shardIterator())
                                .millisBehindLatest(0L)
                                .build(),
                loop);
    }

    /** The next subscription behaves like this. */
    public FakeFanOut next(Behaviour behaviour) {
        script.add(behaviour);
        return this;
    }

    public static String sequence(int index) {
        return Long.toString(FIRST_SEQUENCE + index);
    }

    private Record record(String shardId, int i) {
        StringBuilder data = new StringBuilder(shardId).append(':').append(i);
        while (data.length() < payloadBytes) {
            data.append('.');
        }
        return Record.builder()
                .sequenceNumber(sequence(i))
                .partitionKey("pk-" + i)
                .data(SdkBytes.fromString(data.toString(), StandardCharsets.UTF_8))
                .approximateArrivalTimestamp(Instant.ofEpochMilli(1_000_000L + i))
                .build();
    }

    /** An event for {@code shardId} with its records {@code from..to-1}, continuing after them. */
    public SubscribeToShardEvent eventOf(String shardId, int from, int to) {
        List<Record> all = shards.get(shardId);
        return SubscribeToShardEvent.builder()
                .records(new ArrayList<>(all.subList(from, to)))
                .continuationSequenceNumber(sequence(to - 1))
                .millisBehindLatest(0L)
                .build();
    }

    @Override
    public CompletableFuture<Void> subscribeToShard(
            SubscribeToShardRequest request, SubscribeToShardResponseHandler handler) {
        Behaviour behaviour = script.poll();
        Sub sub = new Sub(request, handler, behaviour == null ? Behaviour.normal() : behaviour);
        subscriptions.add(sub);
        loop.execute(sub::start);
        return sub.future;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }

    /** One subscription: its request, its script, and what it delivered. */
    public final class Sub implements Subscription {
        public final SubscribeToShardRequest request;
        public final long createdNanos = System.nanoTime();
        public final AtomicLong requests = new AtomicLong();
        public final CompletableFuture<Void> future = new CompletableFuture<>();
        public volatile boolean cancelled;
        public volatile int eventsSent;
        private final SubscribeToShardResponseHandler handler;
        private final Behaviour behaviour;
        private final List<Record> records;
        private Subscriber<? super SubscribeToShardEventStream> subscriber;
        private long demand;
        private int position;
        private boolean done;
        private boolean emptyScheduled;

        Sub(
                SubscribeToShardRequest request,
                SubscribeToShardResponseHandler handler,
                Behaviour behaviour) {
            this.request = request;
            this.handler = handler;
            this.behaviour = behaviour;
            this.records = shards.getOrDefault(request.shardId(), List.of());
            this.position = startIndex(request);
        }

        private int startIndex(SubscribeToShardRequest request) {
            switch (request.startingPosition().type()) {
                case TRIM_HORIZON:
                    return 0;
                case LATEST:
                    return records.size();
                case AT_SEQUENCE_NUMBER:
                    return indexOf(request.startingPosition().sequenceNumber());
                case AFTER_SEQUENCE_NUMBER:
                    return indexOf(request.startingPosition().sequenceNumber()) + 1;
                default:
                    throw new UnsupportedOperationException(
                            request.startingPosition().type().toString());
            }
        }

        private int indexOf(String sequence) {
            return (int) (Long.parseLong(sequence) - FIRST_SEQUENCE);
        }

        public String shardId() {
            return request.shardId();
        }

        /** Where this subscription started. */
        public String startingPosition() {
            software.amazon.awssdk.services.kinesis.model.StartingPosition p =
                    request.startingPosition();
            return p.sequenceNumber() == null
                    ? p.typeAsString()
                    : p.typeAsString() + "(" + p.sequenceNumber() + ")";
        }

        void start() {
            if (behaviour.failure != null) {
                handler.exceptionOccurred(behaviour.failure);
                future.completeExceptionally(behaviour.failure);
                return;
            }
            handler.responseReceived(SubscribeToShardResponse.builder().build());
            SdkPublisher<SubscribeToShardEventStream> publisher =
                    s -> {
                        subscriber = s;
                        s.onSubscribe(this);
                    };
            handler.onEventStream(publisher);
        }

        @Override
        public void request(long n) {
            requests.incrementAndGet();
            loop.execute(
                    () -> {
                        demand += n;
                        drain();
                    });
        }

        @Override
        public void cancel() {
            cancelled = true;
            loop.execute(() -> future.complete(null));
        }

        /**
         * Delivers {@code event} now, whatever the demand and even when cancelled (a late event).
         */
        public void pushLate(SubscribeToShardEvent event) {
            loop.execute(() -> subscriber.onNext(event));
        }

        private void drain() {
            while (demand > 0
                    && !cancelled
                    && !done
                    && eventsSent < behaviour.eventsBeforeSilence) {
                if (eventsSent >= behaviour.eventsBeforeComplete) {
                    finish();
                    return;
                }
                List<String> children = closedShards.get(request.shardId());
                if (position >= records.size() && children == null) {
                    if (!emptyScheduled) {
                        emptyScheduled = true;
                        loop.schedule(this::sendEmpty, 20, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
                demand--;
                eventsSent++;
                if (position >= records.size()) {
                    List<ChildShard> childShards = new ArrayList<>();
                    for (String child : children) {
                        childShards.add(
                                ChildShard.builder()
                                        .shardId(child)
                                        .parentShards(request.shardId())
                                        .build());
                    }
                    subscriber.onNext(
                            SubscribeToShardEvent.builder()
                                    .records(List.of())
                                    .millisBehindLatest(0L)
                                    .childShards(childShards)
                                    .build());
                    finish();
                    return;
                }
                int to = Math.min(records.size(), position + recordsPerEvent);
                SubscribeToShardEvent event =
                        SubscribeToShardEvent.builder()
                                .records(new ArrayList<>(records.subList(position, to)))
                                .continuationSequenceNumber(sequence(to - 1))
                                .millisBehindLatest(to < records.size() ? 1_000L : 0L)
                                .build();
                position = to;
                subscriber.onNext(event);
            }
        }

        private void sendEmpty() {
            emptyScheduled = false;
            if (demand <= 0
                    || cancelled
                    || done
                    || eventsSent >= behaviour.eventsBeforeSilence
                    || eventsSent >= behaviour.eventsBeforeComplete) {
                if (eventsSent >= behaviour.eventsBeforeComplete && !done && !cancelled) {
                    finish();
                }
                return;
            }
            demand--;
            eventsSent++;
            subscriber.onNext(
                    SubscribeToShardEvent.builder()
                            .records(List.of())
                            .continuationSequenceNumber(sequence(position - 1))
                            .millisBehindLatest(0L)
                            .build());
            drain();
        }

        private void finish() {
            done = true;
            subscriber.onComplete();
            handler.complete();
            future.complete(null);
        }
    }

    /** Applies {@code f} to each subscription, e.g. to print them. */
    public <T> List<T> map(Function<Sub, T> f) {
        List<T> out = new ArrayList<>();
        for (Sub s : subscriptions) {
            out.add(f.apply(s));
        }
        return out;
    }
}
