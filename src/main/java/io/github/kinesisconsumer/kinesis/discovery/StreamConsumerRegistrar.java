package io.github.kinesisconsumer.kinesis.discovery;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.kinesis.KinesisErrors;
import io.github.kinesisconsumer.kinesis.StreamNotFoundException;
import io.github.kinesisconsumer.kinesis.StreamRef;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Finds, registers and deregisters the stream consumer that enhanced fan-out reads through, by
 * name. Its calls block; run them off latency-sensitive threads.
 */
@Internal
public final class StreamConsumerRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(StreamConsumerRegistrar.class);
    private static final long POLL_MILLIS = 250;

    private final KinesisAsyncClient client;
    private final StreamRef stream;
    private volatile String streamArn;

    /** A registrar for consumers of {@code stream}; the client is the caller's. */
    public StreamConsumerRegistrar(KinesisAsyncClient client, StreamRef stream) {
        this.client = client;
        this.stream = stream;
        this.streamArn = stream.arn();
    }

    /** A consumer found or registered: its ARN, and whether this call registered it. */
    public static final class Registration {
        private final String consumerArn;
        private final boolean registeredHere;

        Registration(String consumerArn, boolean registeredHere) {
            this.consumerArn = consumerArn;
            this.registeredHere = registeredHere;
        }

        public String consumerArn() {
            return consumerArn;
        }

        /** True when the consumer did not exist and was registered by this library. */
        public boolean registeredHere() {
            return registeredHere;
        }
    }

    /** The stream's ARN, from DescribeStreamSummary unless the stream was given by ARN. */
    public String streamArn() {
        String arn = streamArn;
        if (arn == null) {
            try {
                arn =
                        client.describeStreamSummary(r -> r.streamName(stream.name()))
                                .join()
                                .streamDescriptionSummary()
                                .streamARN();
            } catch (CompletionException e) {
                Throwable cause = KinesisErrors.unwrap(e);
                if (cause instanceof ResourceNotFoundException) {
                    throw new StreamNotFoundException(
                            stream.name(), "the configured endpoint", cause);
                }
                throw e;
            }
            streamArn = arn;
        }
        return arn;
    }

    /**
     * Returns the ACTIVE consumer {@code name}, registering it first when it does not exist, and
     * waiting up to {@code timeout} until it is ACTIVE. A consumer that is being deleted (a run
     * before this one deregistered it) is waited out and registered again.
     */
    public Registration registerIfMissing(String name, Duration timeout) {
        String arn = streamArn();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean registered = false;
        boolean deletionLogged = false;
        while (true) {
            ConsumerDescription existing = describe(arn, name);
            if (existing == null) {
                try {
                    client.registerStreamConsumer(r -> r.streamARN(arn).consumerName(name)).join();
                    registered = true;
                    LOG.info("registered stream consumer '{}' on stream {}", name, stream);
                    break;
                } catch (CompletionException e) {
                    if (!(KinesisErrors.unwrap(e) instanceof ResourceInUseException)) {
                        throw e;
                    }
                    LOG.info(
                            "stream consumer '{}' was registered meanwhile, or is still being"
                                    + " deleted; looking again",
                            name);
                }
            } else if (existing.consumerStatus() == ConsumerStatus.DELETING) {
                if (!deletionLogged) {
                    LOG.info(
                            "stream consumer '{}' of stream {} is being deleted (an earlier run"
                                    + " deregistered it); waiting for the deletion, then"
                                    + " registering it again",
                            name,
                            stream);
                    deletionLogged = true;
                }
            } else {
                LOG.info(
                        "using existing stream consumer '{}' ({}) of stream {}",
                        name,
                        existing.consumerStatus(),
                        stream);
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "stream consumer '"
                                + name
                                + "' of stream "
                                + stream
                                + " is still being deleted after "
                                + timeout
                                + "; wait for the deletion, raise the registration timeout, or"
                                + " use another consumer name");
            }
            pause(name);
        }
        long left = Math.max(0, deadline - System.nanoTime());
        return new Registration(awaitActive(name, Duration.ofNanos(left), false), registered);
    }

    /**
     * Waits up to {@code timeout} until the consumer {@code name} exists and is ACTIVE, and returns
     * its ARN; a consumer that is not registered yet, or being deleted before it is registered
     * again, is waited for.
     */
    public String awaitActive(String name, Duration timeout) {
        return awaitActive(name, timeout, true);
    }

    /** {@link #awaitActive} on another thread. */
    public CompletableFuture<String> awaitActiveAsync(String name, Duration timeout) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t =
                new Thread(
                        () -> {
                            try {
                                result.complete(awaitActive(name, timeout));
                            } catch (Throwable e) {
                                result.completeExceptionally(e);
                            }
                        },
                        "kinesis-efo-consumer-" + name);
        t.setDaemon(true);
        t.start();
        return result;
    }

    private String awaitActive(String name, Duration timeout, boolean waitForMissing) {
        String arn = streamArn();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ConsumerDescription d = describe(arn, name);
            if (d != null && d.consumerStatus() == ConsumerStatus.ACTIVE) {
                return d.consumerARN();
            }
            boolean gone = d == null || d.consumerStatus() == ConsumerStatus.DELETING;
            if (gone && !waitForMissing) {
                throw new IllegalStateException(
                        "stream consumer '"
                                + name
                                + "' of stream "
                                + stream
                                + (d == null ? " disappeared" : " is being deleted")
                                + " while waiting for it to become ACTIVE; is another job or"
                                + " process deregistering it?");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "stream consumer '"
                                + name
                                + "' of stream "
                                + stream
                                + (d == null
                                        ? " was not registered"
                                        : " is still " + d.consumerStatus())
                                + " after "
                                + timeout);
            }
            pause(name);
        }
    }

    /**
     * Deregisters the consumer {@code name} and waits up to {@code timeout} until it is gone, so a
     * run started next finds no consumer in DELETING state. Returns whether it is gone; a consumer
     * that is already gone is not an error.
     */
    public boolean deregisterAndAwaitDeletion(String name, Duration timeout) {
        long start = System.nanoTime();
        deregister(name);
        String arn = streamArn();
        long deadline = start + timeout.toNanos();
        while (describe(arn, name) != null) {
            if (System.nanoTime() > deadline) {
                LOG.warn(
                        "stream consumer '{}' of stream {} is still being deleted after {}; a run"
                                + " started now waits for the deletion before it registers the"
                                + " consumer again",
                        name,
                        stream,
                        timeout);
                return false;
            }
            pause(name);
        }
        LOG.info(
                "stream consumer '{}' of stream {} is deleted ({} ms after deregistering)",
                name,
                stream,
                (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    private static void pause(String name) {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for consumer " + name);
        }
    }

    /** The consumer's description, or null when it is not registered. */
    public ConsumerDescription describe(String name) {
        return describe(streamArn(), name);
    }

    private ConsumerDescription describe(String arn, String name) {
        try {
            return client.describeStreamConsumer(r -> r.streamARN(arn).consumerName(name))
                    .join()
                    .consumerDescription();
        } catch (CompletionException e) {
            if (KinesisErrors.unwrap(e) instanceof ResourceNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    /** Deregisters the consumer {@code name}; a consumer that is already gone is not an error. */
    public void deregister(String name) {
        String arn = streamArn();
        try {
            client.deregisterStreamConsumer(r -> r.streamARN(arn).consumerName(name)).join();
            LOG.info("deregistered stream consumer '{}' of stream {}", name, stream);
        } catch (CompletionException e) {
            if (!(KinesisErrors.unwrap(e) instanceof ResourceNotFoundException)) {
                throw e;
            }
        }
    }
}
