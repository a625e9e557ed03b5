package io.github.kinesisconsumer.kinesis.read;

import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.KinesisErrors;
import io.github.kinesisconsumer.kinesis.StartingPosition;
import io.github.kinesisconsumer.kinesis.StreamRef;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.math.BigInteger;
import java.util.concurrent.CompletableFuture;

/**
 * What retention did to a shard a reader was given: the shard may be gone altogether (a closed
 * shard older than the retention period, still in restored state), or the record a position names
 * may be older than the shard's trim horizon (a checkpoint restored after a long outage).
 */
final class ShardRetention {

    private static final Logger LOG = LoggerFactory.getLogger(ShardRetention.class);

    private final KinesisAsyncClient client;
    private final StreamRef stream;

    ShardRetention(KinesisAsyncClient client, StreamRef stream) {
        this.client = client;
        this.stream = stream;
    }

    /**
     * Completes with whether the stream exists (null when that cannot be told); a
     * ResourceNotFoundException on one of its shards then means the shard is gone, not the stream.
     */
    CompletableFuture<Boolean> streamExists() {
        ListShardsRequest.Builder request = ListShardsRequest.builder().maxResults(1);
        if (stream.arn() != null) {
            request.streamARN(stream.arn());
        } else {
            request.streamName(stream.name());
        }
        CompletableFuture<?> call;
        try {
            call = client.listShards(request.build());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle(
                (response, error) -> {
                    if (error == null) {
                        return true;
                    }
                    if (KinesisErrors.unwrap(error) instanceof ResourceNotFoundException) {
                        return false;
                    }
                    LOG.warn(
                            "could not tell whether stream {} exists: {}",
                            stream,
                            error.toString());
                    return null;
                });
    }

    /**
     * Completes with the sequence number of the oldest record the shard retains when it is after
     * the record {@code position} names (so that record is trimmed), else with null. Null too when
     * the position names no record, or the answer is unknown (an empty first page, an error).
     */
    CompletableFuture<String> trimmedBefore(String shardId, StartingPosition position) {
        String sequence = position.sequenceNumber();
        if (sequence == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<GetShardIteratorResponse> first;
        try {
            first =
                    client.getShardIterator(
                            iteratorRequest(stream, shardId, StartingPosition.trimHorizon()));
        } catch (RuntimeException e) {
            first = CompletableFuture.failedFuture(e);
        }
        return first.thenCompose(
                        iterator -> {
                            if (iterator.shardIterator() == null) {
                                return CompletableFuture.completedFuture(null);
                            }
                            GetRecordsRequest.Builder get =
                                    GetRecordsRequest.builder()
                                            .shardIterator(iterator.shardIterator())
                                            .limit(1);
                            if (stream.arn() != null) {
                                get.streamARN(stream.arn());
                            }
                            return client.getRecords(get.build());
                        })
                .handle(
                        (response, error) -> {
                            if (error != null) {
                                LOG.debug(
                                        "could not read the trim horizon of shard {}: {}",
                                        shardId,
                                        error.toString());
                                return null;
                            }
                            if (response == null || response.records().isEmpty()) {
                                return null;
                            }
                            String oldest = response.records().get(0).sequenceNumber();
                            return new BigInteger(oldest).compareTo(new BigInteger(sequence)) > 0
                                    ? oldest
                                    : null;
                        });
    }

    /**
     * Where a shard given at {@code position} starts: there, or at TRIM_HORIZON when the record the
     * position names is older than the trim horizon (logged and counted). With {@code
     * failOnTrimmed} such a start completes exceptionally instead, with a message that names the
     * fix.
     */
    CompletableFuture<StartingPosition> startOf(
            String shardId,
            StartingPosition position,
            boolean failOnTrimmed,
            PollerMetrics metrics) {
        return trimmedBefore(shardId, position)
                .thenApply(
                        oldest -> {
                            if (oldest == null) {
                                return position;
                            }
                            metrics.trimmedPositions.increment();
                            String what =
                                    "shard "
                                            + shardId
                                            + " of stream "
                                            + stream
                                            + " starts from "
                                            + position
                                            + ", older than its trim horizon (oldest retained"
                                            + " record "
                                            + oldest
                                            + "): records after it may have expired";
                            if (failOnTrimmed) {
                                throw new KinesisCallException(
                                        what
                                                + "; failing as configured (unset"
                                                + " source.fail-on-trimmed-position, or"
                                                + " failOnTrimmedPosition(false), to start at"
                                                + " TRIM_HORIZON instead)",
                                        null);
                            }
                            LOG.warn("{}; starting at TRIM_HORIZON", what);
                            return StartingPosition.trimHorizon();
                        });
    }

    /**
     * Completes true when a shard that Kinesis reports missing is gone past retention while the
     * stream exists (logged and counted): it is then read to its end, with nothing left to read.
     */
    CompletableFuture<Boolean> isGone(String shardId, PollerMetrics metrics) {
        return streamExists()
                .thenApply(
                        exists -> {
                            if (Boolean.TRUE.equals(exists)) {
                                metrics.shardsGone.increment();
                                LOG.warn(
                                        "shard {} of stream {} no longer exists (older than the"
                                                + " retention period); treating it as finished",
                                        shardId,
                                        stream);
                            }
                            return Boolean.TRUE.equals(exists);
                        });
    }

    /** A GetShardIterator request for {@code shardId} of {@code stream} at {@code position}. */
    static GetShardIteratorRequest iteratorRequest(
            StreamRef stream, String shardId, StartingPosition position) {
        GetShardIteratorRequest.Builder request =
                position.applyTo(GetShardIteratorRequest.builder().shardId(shardId));
        return stream.arn() != null
                ? request.streamARN(stream.arn()).build()
                : request.streamName(stream.name()).build();
    }
}
