package io.github.kinesisconsumer.kinesis;

import io.github.kinesisconsumer.annotation.PublicEvolving;
import io.github.kinesisconsumer.kinesis.wire.GetRecordsDecoding;
import io.github.kinesisconsumer.kinesis.wire.SubscribeToShardDecoding;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Kinesis: region, optional endpoint override, credentials and HTTP settings.
 * Immutable and serializable; validated when built, so a bad setting fails before any call.
 *
 * <pre>{@code
 * ClientSettings settings = ClientSettings.builder()
 *     .region("eu-west-1")
 *     .credentials(Credentials.profile("prod"))
 *     .build();
 * }</pre>
 */
@PublicEvolving
public final class ClientSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Object CBOR_LOCK = new Object();
    private static final String CBOR_PROPERTY = "aws.cborEnabled";

    private final String region;
    private final String endpoint;
    private final Credentials credentials;
    private final boolean cborEnabled;
    private final int maxConcurrency;
    private final Duration connectTimeout;
    private final Duration apiCallAttemptTimeout;

    private ClientSettings(Builder b) {
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.credentials = b.credentials;
        this.cborEnabled = b.cborEnabled;
        this.maxConcurrency = b.maxConcurrency;
        this.connectTimeout = b.connectTimeout;
        this.apiCallAttemptTimeout = b.apiCallAttemptTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Settings for a local emulator: the given endpoint, region us-east-1, fixed dummy credentials.
     */
    public static ClientSettings forEndpoint(String endpoint) {
        return builder()
                .region("us-east-1")
                .endpoint(endpoint)
                .credentials(Credentials.basic("local", "local"))
                .build();
    }

    public String region() {
        return region;
    }

    /** The endpoint override, or null for the region's public endpoint. */
    public String endpoint() {
        return endpoint;
    }

    public Credentials credentials() {
        return credentials;
    }

    public boolean cborEnabled() {
        return cborEnabled;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration apiCallAttemptTimeout() {
        return apiCallAttemptTimeout;
    }

    /** Returns a builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder()
                .region(region)
                .endpoint(endpoint)
                .credentials(credentials)
                .cborEnabled(cborEnabled)
                .maxConcurrency(maxConcurrency)
                .connectTimeout(connectTimeout)
                .apiCallAttemptTimeout(apiCallAttemptTimeout);
    }

    /**
     * Builds an asynchronous Kinesis client over HTTP/1.1 for polling. The caller owns and closes
     * it. The SDK's own retries are off: callers retry with their own backoff.
     */
    public KinesisAsyncClient createAsyncClient() {
        return createAsyncClient(Protocol.HTTP1_1);
    }

    /**
     * Builds the client a the polling reader reads with: GetShardIterator and GetRecords on a
     * blocking HTTP client, run on up to {@link #maxConcurrency()} threads that start on demand. It
     * supports no other operation. The caller owns and closes it.
     */
    public KinesisAsyncClient createPollingClient() {
        KinesisClientBuilder builder =
                KinesisClient.builder()
                        .region(Region.of(region))
                        .credentialsProvider(credentials.createProvider(Region.of(region)))
                        .httpClientBuilder(
                                ApacheHttpClient.builder()
                                        .maxConnections(maxConcurrency)
                                        .connectionTimeout(connectTimeout)
                                        .socketTimeout(apiCallAttemptTimeout))
                        .overrideConfiguration(
                                ClientOverrideConfiguration.builder()
                                        .apiCallAttemptTimeout(apiCallAttemptTimeout)
                                        .retryStrategy(
                                                software.amazon.awssdk.retries.DefaultRetryStrategy
                                                        .doNotRetry())
                                        .applyMutation(
                                                o -> {
                                                    if (GetRecordsDecoding.enabled()) {
                                                        o.addExecutionInterceptor(
                                                                new GetRecordsDecoding());
                                                    }
                                                })
                                        .build());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return new BlockingPollingClient(withCbor(builder::build), maxConcurrency);
    }

    /** Builds an asynchronous Kinesis client speaking {@code protocol} (HTTP/2 for fan-out). */
    public KinesisAsyncClient createAsyncClient(Protocol protocol) {
        Region awsRegion = Region.of(region);
        KinesisAsyncClientBuilder builder =
                KinesisAsyncClient.builder()
                        .region(awsRegion)
                        .credentialsProvider(credentials.createProvider(awsRegion))
                        .httpClientBuilder(
                                NettyNioAsyncHttpClient.builder()
                                        .protocol(protocol)
                                        .maxConcurrency(maxConcurrency)
                                        .maxPendingConnectionAcquires(100_000)
                                        .connectionTimeout(connectTimeout))
                        .overrideConfiguration(
                                ClientOverrideConfiguration.builder()
                                        .apiCallAttemptTimeout(apiCallAttemptTimeout)
                                        .retryStrategy(
                                                software.amazon.awssdk.retries.DefaultRetryStrategy
                                                        .doNotRetry())
                                        .applyMutation(
                                                o -> {
                                                    if (GetRecordsDecoding.enabled()) {
                                                        o.addExecutionInterceptor(
                                                                new SubscribeToShardDecoding());
                                                    }
                                                })
                                        .build());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return withCbor(builder::build);
    }

    private <T> T withCbor(java.util.function.Supplier<T> build) {
        if (cborEnabled) {
            return build.get();
        }
        // The SDK reads this JVM-wide switch once, when a client's protocol factory is built.
        synchronized (CBOR_LOCK) {
            String previous = System.getProperty(CBOR_PROPERTY);
            System.setProperty(CBOR_PROPERTY, "false");
            try {
                return build.get();
            } finally {
                if (previous == null) {
                    System.clearProperty(CBOR_PROPERTY);
                } else {
                    System.setProperty(CBOR_PROPERTY, previous);
                }
            }
        }
    }

    /** Where these settings point, for messages. */
    public String describe() {
        return endpoint != null ? endpoint + " (region " + region + ")" : "region " + region;
    }

    @Override
    public String toString() {
        return "ClientSettings{region="
                + region
                + ", endpoint="
                + endpoint
                + ", credentials="
                + credentials
                + ", cbor="
                + cborEnabled
                + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ClientSettings)) {
            return false;
        }
        ClientSettings that = (ClientSettings) o;
        return cborEnabled == that.cborEnabled
                && maxConcurrency == that.maxConcurrency
                && region.equals(that.region)
                && Objects.equals(endpoint, that.endpoint)
                && connectTimeout.equals(that.connectTimeout)
                && apiCallAttemptTimeout.equals(that.apiCallAttemptTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, endpoint, cborEnabled, maxConcurrency);
    }

    /** Builder for {@link ClientSettings}. */
    public static final class Builder {
        private String region;
        private String endpoint;
        private Credentials credentials = Credentials.defaultChain();
        private boolean cborEnabled = true;
        private int maxConcurrency = 128;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration apiCallAttemptTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /** AWS region, e.g. {@code eu-west-1}. Required. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Endpoint override, e.g. {@code http://127.0.0.1:4567} for an emulator. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Credentials; the default provider chain when not set. */
        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * CBOR wire encoding, on by default as real Kinesis uses it. Turn it off for emulators that
         * only speak JSON (kinesalite).
         */
        public Builder cborEnabled(boolean cborEnabled) {
            this.cborEnabled = cborEnabled;
            return this;
        }

        /**
         * Maximum concurrent HTTP connections of one client; for polling also the most threads that
         * fetch at once (128 by default).
         */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Timeout of a single HTTP attempt of an API call. */
        public Builder apiCallAttemptTimeout(Duration apiCallAttemptTimeout) {
            this.apiCallAttemptTimeout = apiCallAttemptTimeout;
            return this;
        }

        public ClientSettings build() {
            if (region == null || region.trim().isEmpty()) {
                throw new IllegalArgumentException(
                        "region is required: set ClientSettings.builder().region(\"us-east-1\")"
                                + " (any region works for a local emulator)");
            }
            if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
                throw new IllegalArgumentException(
                        "region '" + region + "' is not a region name like us-east-1");
            }
            if (endpoint != null) {
                try {
                    URI uri = new URI(endpoint);
                    if (uri.getScheme() == null
                            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                            || uri.getHost() == null) {
                        throw new IllegalArgumentException(
                                "endpoint '"
                                        + endpoint
                                        + "' must be an http:// or https:// URL with a host,"
                                        + " e.g. http://127.0.0.1:4567");
                    }
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException(
                            "endpoint '"
                                    + endpoint
                                    + "' must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:4567 ("
                                    + e.getMessage()
                                    + ")",
                            e);
                }
            }
            Objects.requireNonNull(credentials, "credentials must not be null");
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException(
                        "maxConcurrency must be >= 1, but was " + maxConcurrency);
            }
            Durations.requirePositive(connectTimeout, "connectTimeout");
            Durations.requirePositive(apiCallAttemptTimeout, "apiCallAttemptTimeout");
            return new ClientSettings(this);
        }
    }
}
