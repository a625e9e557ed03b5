package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Durations;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Builds an asynchronous DynamoDB client (for the checkpoint store and the lease group) from the
 * region, endpoint, credentials, connection limit and connect timeout of a {@link ClientSettings};
 * CBOR and the Kinesis attempt timeout of the settings do not apply and are ignored.
 *
 * <p>Calls are bounded by short timeouts, so an unreachable table fails a store call within seconds
 * instead of stalling it; throttling, 5xx answers and I/O errors are retried by the SDK with
 * backoff and jitter inside that bound.
 */
@Internal
public final class DynamoDbClientFactory {

    static final Duration DEFAULT_API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(15);
    static final int DEFAULT_MAX_ATTEMPTS = 6;
    private static final int EVENT_LOOP_THREADS = 2;

    private DynamoDbClientFactory() {}

    public static OwnedClient create(ClientSettings settings) {
        return create(
                settings,
                DEFAULT_API_CALL_ATTEMPT_TIMEOUT,
                DEFAULT_API_CALL_TIMEOUT,
                DEFAULT_MAX_ATTEMPTS);
    }

    /**
     * A client whose attempts time out after {@code apiCallAttemptTimeout} and whose calls, with up
     * to {@code maxAttempts} attempts, after {@code apiCallTimeout}.
     */
    static OwnedClient create(
            ClientSettings settings,
            Duration apiCallAttemptTimeout,
            Duration apiCallTimeout,
            int maxAttempts) {
        Objects.requireNonNull(settings, "settings");
        Durations.requirePositive(apiCallAttemptTimeout, "apiCallAttemptTimeout");
        Durations.requirePositive(apiCallTimeout, "apiCallTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
        }
        Region region = Region.of(settings.region());
        SdkEventLoopGroup eventLoops =
                SdkEventLoopGroup.builder().numberOfThreads(EVENT_LOOP_THREADS).build();
        DynamoDbAsyncClientBuilder builder =
                DynamoDbAsyncClient.builder()
                        .region(region)
                        .credentialsProvider(settings.credentials().createProvider(region))
                        .httpClientBuilder(
                                NettyNioAsyncHttpClient.builder()
                                        .eventLoopGroup(eventLoops)
                                        .maxConcurrency(settings.maxConcurrency())
                                        .maxPendingConnectionAcquires(100_000)
                                        .connectionTimeout(settings.connectTimeout()))
                        .overrideConfiguration(
                                ClientOverrideConfiguration.builder()
                                        .apiCallAttemptTimeout(apiCallAttemptTimeout)
                                        .apiCallTimeout(apiCallTimeout)
                                        .retryStrategy(
                                                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                                        .maxAttempts(maxAttempts)
                                                        .circuitBreakerEnabled(false)
                                                        .build())
                                        .build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        try {
            return new OwnedClient(builder.build(), eventLoops);
        } catch (RuntimeException e) {
            eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * A client and its event loops. Closing shuts the loops down without the SDK's two-second quiet
     * period.
     */
    public static final class OwnedClient implements AutoCloseable {
        private final DynamoDbAsyncClient client;
        private final SdkEventLoopGroup eventLoops;

        OwnedClient(DynamoDbAsyncClient client, SdkEventLoopGroup eventLoops) {
            this.client = client;
            this.eventLoops = eventLoops;
        }

        public DynamoDbAsyncClient client() {
            return client;
        }

        @Override
        public void close() {
            try {
                client.close();
            } finally {
                eventLoops.eventLoopGroup().shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}
