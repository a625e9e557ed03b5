package io.github.kinesisconsumer.kinesis.discovery;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.Backoff;
import io.github.kinesisconsumer.kinesis.KinesisCallException;
import io.github.kinesisconsumer.kinesis.KinesisErrors;
import io.github.kinesisconsumer.kinesis.ShardInfo;
import io.github.kinesisconsumer.kinesis.StreamNotFoundException;
import io.github.kinesisconsumer.kinesis.StreamRef;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredNextTokenException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilter;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Lists the shards of a stream with ListShards, following every page, retrying throttling with
 * backoff. A missing stream fails fast with {@link StreamNotFoundException}; rejected credentials
 * fail at once, and an endpoint that refuses connections after {@value #CONNECT_ATTEMPTS} attempts
 * (under a second), each with a {@link KinesisCallException} that says what to fix.
 */
@Internal
public final class ShardLister {

    private static final Logger LOG = LoggerFactory.getLogger(ShardLister.class);

    /**
     * Tries of a call that cannot connect at all: most often a wrong endpoint, which waiting for
     * the full retry budget would only hide.
     */
    static final int CONNECT_ATTEMPTS = 3;

    /** ListShards attempts per page when none are given. */
    public static final int DEFAULT_ATTEMPTS = 10;

    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private final String where;
    private final int pageSize;
    private final int maxAttempts;
    private final Backoff backoff;

    /**
     * @param where the endpoint or region, for error messages
     */
    public ShardLister(KinesisAsyncClient client, StreamRef stream, String where) {
        this(client, stream, where, DEFAULT_ATTEMPTS);
    }

    /**
     * @param maxAttempts ListShards attempts per page before the listing fails
     */
    public ShardLister(KinesisAsyncClient client, StreamRef stream, String where, int maxAttempts) {
        this(
                client,
                stream,
                where,
                1000,
                maxAttempts,
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5)));
    }

    public ShardLister(
            KinesisAsyncClient client,
            StreamRef stream,
            String where,
            int pageSize,
            int maxAttempts,
            Backoff backoff) {
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("pageSize must be 1..10000, but was " + pageSize);
        }
        this.client = client;
        this.stream = stream;
        this.where = where;
        this.pageSize = pageSize;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    /** All shards of the stream, open and closed, still within retention. */
    public List<ShardInfo> listAll() {
        return list(null);
    }

    /**
     * Shards whose id sorts after {@code lastSeenShardId}: the shards created since an earlier
     * listing. With null, all shards.
     */
    public List<ShardInfo> listAfter(String lastSeenShardId) {
        return list(
                lastSeenShardId == null
                        ? null
                        : ShardFilter.builder()
                                .type(ShardFilterType.AFTER_SHARD_ID)
                                .shardId(lastSeenShardId)
                                .build());
    }

    private List<ShardInfo> list(ShardFilter filter) {
        for (int restart = 0; ; restart++) {
            try {
                return listOnce(filter);
            } catch (ExpiredNextTokenException e) {
                if (restart >= maxAttempts) {
                    throw e;
                }
                LOG.info("ListShards page token of stream {} expired; listing again", stream);
            }
        }
    }

    private List<ShardInfo> listOnce(ShardFilter filter) {
        List<ShardInfo> shards = new ArrayList<>();
        String nextToken = null;
        do {
            ListShardsRequest.Builder request = ListShardsRequest.builder().maxResults(pageSize);
            if (nextToken != null) {
                request.nextToken(nextToken);
            } else {
                if (stream.arn() != null) {
                    request.streamARN(stream.arn());
                } else {
                    request.streamName(stream.name());
                }
                if (filter != null) {
                    request.shardFilter(filter);
                }
            }
            ListShardsResponse response = call(request.build());
            for (Shard shard : response.shards()) {
                shards.add(ShardInfo.of(shard));
            }
            nextToken = response.nextToken();
        } while (nextToken != null);
        return shards;
    }

    private ListShardsResponse call(ListShardsRequest request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.listShards(request).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while listing shards", e);
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof ResourceNotFoundException) {
                    throw new StreamNotFoundException(stream.toString(), where, cause);
                }
                boolean retryable =
                        cause instanceof LimitExceededException
                                || cause instanceof ResourceInUseException
                                || KinesisErrors.isTransient(cause);
                if (cause instanceof ExpiredNextTokenException) {
                    throw (ExpiredNextTokenException) cause;
                }
                int attempts =
                        KinesisErrors.isConnectFailure(cause)
                                ? Math.min(maxAttempts, CONNECT_ATTEMPTS)
                                : maxAttempts;
                if (!retryable || attempt >= attempts) {
                    throw new KinesisCallException(
                            "ListShards of stream '"
                                    + stream
                                    + "' at "
                                    + where
                                    + " failed after "
                                    + attempt
                                    + " attempt(s): "
                                    + cause
                                    + KinesisErrors.hint(cause, where),
                            cause);
                }
                long delay = backoff.delayMillis(attempt);
                LOG.warn(
                        "ListShards of stream {} failed ({}); retry {} in {} ms",
                        stream,
                        cause.toString(),
                        attempt,
                        delay);
                sleep(delay);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing shards", e);
        }
    }
}
