package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.PollerOptions;
import io.github.kinesisconsumer.kinesis.wire.DecodedRecords;
import io.github.kinesisconsumer.kinesis.wire.RawRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;

import java.util.List;

/**
 * Reads shards by polling: GetShardIterator, then GetRecords after GetRecords, each shard with at
 * most one call in flight. A shard's next call starts as soon as its last one returned, the
 * per-shard call spacing allows and the buffer has room; a caught-up shard waits the idle interval.
 * Each call asks for no more records than fit in the room left and reserves that much while in
 * flight ({@link CallSizing}). An expired iterator is taken again after the last fetched record, so
 * nothing is lost or repeated.
 */
final class GetRecordsTransport implements Transport<GetRecordsTransport.Cursor> {

    private static final Logger LOG = LoggerFactory.getLogger(GetRecordsTransport.class);

    private final KinesisAsyncClient client;
    private final PollerOptions options;
    private final long spacingNanos;
    private final long idleNanos;
    private ShardReadingEngine<Cursor> engine;

    GetRecordsTransport(KinesisAsyncClient client, PollerOptions options) {
        this.client = client;
        this.options = options;
        this.spacingNanos = options.minCallSpacingNanos();
        this.idleNanos = options.idlePollInterval().toNanos();
    }

    /** One shard's iterator and call pacing. */
    static final class Cursor {
        String iterator;
        boolean inFlight;
        long nextCallAllowedNanos = System.nanoTime();
        int limit;
        boolean more = true;
        int lastCount;
    }

    @Override
    public void bind(ShardReadingEngine<Cursor> engine) {
        this.engine = engine;
    }

    @Override
    public void start(Lane<Cursor> lane) {
        engine.fetch(lane);
    }

    @Override
    public void fetch(Lane<Cursor> lane) {
        Cursor cursor = lane.transport;
        if (cursor.inFlight) {
            return;
        }
        if (cursor.iterator == null) {
            requestIterator(lane);
            return;
        }
        long now = System.nanoTime();
        if (now < cursor.nextCallAllowedNanos) {
            engine.fetchLater(lane, cursor.nextCallAllowedNanos - now);
            return;
        }
        BufferBudget budget = engine.budget();
        long recordCost = budget.expectedRecordCost(lane);
        int limit =
                CallSizing.limit(
                        CallSizing.wanted(options.recordsPerCall(), cursor.more, cursor.lastCount),
                        recordCost,
                        budget.max(),
                        budget.used());
        if (limit == 0) {
            engine.awaitRoom(lane);
            return;
        }
        long requestedAt = System.currentTimeMillis();
        cursor.nextCallAllowedNanos = now + spacingNanos;
        cursor.inFlight = true;
        cursor.limit = limit;
        budget.reserve(lane, limit * recordCost);
        engine.metrics().getRecordsCalls.increment();
        GetRecordsRequest.Builder request =
                GetRecordsRequest.builder().shardIterator(cursor.iterator).limit(limit);
        if (engine.stream().arn() != null) {
            request.streamARN(engine.stream().arn());
        }
        DecodedRecords decoded = DecodedRecords.attachTo(request);
        try {
            client.getRecords(request.build())
                    .whenComplete(
                            (response, error) ->
                                    engine.run(
                                            () ->
                                                    onRecords(
                                                            lane,
                                                            now,
                                                            requestedAt,
                                                            decoded,
                                                            response,
                                                            error)));
        } catch (RuntimeException e) {
            onRecords(lane, now, requestedAt, decoded, null, e);
        }
    }

    private void requestIterator(Lane<Cursor> lane) {
        Cursor cursor = lane.transport;
        cursor.inFlight = true;
        try {
            client.getShardIterator(
                            ShardRetention.iteratorRequest(
                                    engine.stream(), lane.shardId, lane.position()))
                    .whenComplete(
                            (response, error) ->
                                    engine.run(
                                            () -> {
                                                cursor.inFlight = false;
                                                if (error != null) {
                                                    engine.failed(lane, "GetShardIterator", error);
                                                } else if (engine.answered(lane)) {
                                                    onIterator(lane, response.shardIterator());
                                                }
                                            }));
        } catch (RuntimeException e) {
            cursor.inFlight = false;
            engine.failed(lane, "GetShardIterator", e);
        }
    }

    private void onIterator(Lane<Cursor> lane, String iterator) {
        lane.transport.iterator = iterator;
        lane.failures = 0;
        if (iterator == null) {
            engine.endShard(lane, List.of());
        } else {
            engine.fetch(lane);
        }
    }

    private void onRecords(
            Lane<Cursor> lane,
            long startNanos,
            long requestedAtMillis,
            DecodedRecords decoded,
            GetRecordsResponse response,
            Throwable error) {
        Cursor cursor = lane.transport;
        cursor.inFlight = false;
        if (error != null) {
            engine.failed(lane, "GetRecords", error);
            return;
        }
        if (!engine.answered(lane)) {
            return;
        }
        long latency = System.nanoTime() - startNanos;
        engine.metrics().lastFetchLatencyNanos = latency;
        engine.metrics().fetchNanos.add(latency);
        List<RawRecord> records = decoded.recordsOf(response);
        Long behind = response.millisBehindLatest();
        cursor.iterator = response.nextShardIterator();
        boolean end = cursor.iterator == null;
        String last = records.isEmpty() ? null : records.get(records.size() - 1).sequenceNumber();
        if (!engine.deliver(
                lane, records, behind, last, end, response.childShards(), requestedAtMillis)) {
            return;
        }
        cursor.more = records.size() >= cursor.limit || (behind != null && behind > 0);
        cursor.lastCount = records.size();
        engine.fetchLater(lane, records.isEmpty() && !cursor.more ? idleNanos : 0);
    }

    @Override
    public void stop(Lane<Cursor> lane) {}

    @Override
    public void retry(Lane<Cursor> lane, long delayNanos) {
        engine.fetchLater(lane, delayNanos);
    }

    @Override
    public boolean recover(Lane<Cursor> lane, Throwable cause) {
        if (!(cause instanceof ExpiredIteratorException)) {
            return false;
        }
        engine.metrics().iteratorRefreshes.increment();
        LOG.info(
                "iterator of shard {} expired; taking a new one at {}",
                lane.shardId,
                lane.position());
        lane.transport.iterator = null;
        engine.fetch(lane);
        return true;
    }

    @Override
    public boolean retries(Throwable cause) {
        return false;
    }

    @Override
    public String via() {
        return "";
    }

    @Override
    public String missingHint() {
        return " (was the stream or shard deleted?)";
    }
}
