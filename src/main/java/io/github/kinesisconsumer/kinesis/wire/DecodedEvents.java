package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.annotation.Internal;

import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where the records of one SubscribeToShard call's events arrive when {@link
 * SubscribeToShardDecoding} decoded them: one entry per {@code SubscribeToShardEvent} message, in
 * the order the SDK then delivers the events (each without its records). A client without the
 * interceptor leaves this empty, and an event the interceptor could not split is marked as such, so
 * {@link #recordsOf} falls back to the SDK's records either way.
 */
@Internal
public final class DecodedEvents {

    static final ExecutionAttribute<DecodedEvents> ATTRIBUTE =
            new ExecutionAttribute<>("kinesis-consumer.decoded-events");

    /** An event left whole: its records are the SDK's. */
    private static final List<RawRecord> LEFT_WHOLE = List.of();

    private final Queue<List<RawRecord>> events = new ConcurrentLinkedQueue<>();
    private volatile long decoded;

    private DecodedEvents() {}

    /**
     * Asks for the records of the subscription {@code request} builds to be decoded; keeps any
     * override configuration the request already has.
     */
    public static DecodedEvents attachTo(SubscribeToShardRequest.Builder request) {
        DecodedEvents holder = new DecodedEvents();
        request.overrideConfiguration(
                DecodedRecords.with(request.overrideConfiguration(), ATTRIBUTE, holder));
        return holder;
    }

    void add(List<RawRecord> records) {
        events.add(records);
        decoded++;
    }

    void leftWhole() {
        events.add(LEFT_WHOLE);
    }

    /**
     * The records of {@code event}, the next event the SDK delivered for this call: the decoded
     * ones if the interceptor split it, else the SDK's.
     */
    public List<RawRecord> recordsOf(SubscribeToShardEvent event) {
        List<RawRecord> next = events.poll();
        return next == null || next == LEFT_WHOLE ? RawRecord.all(event.records()) : next;
    }

    /** How many events the interceptor split so far. */
    public long decodedEvents() {
        return decoded;
    }
}
