package io.github.kinesisconsumer.source.enumerator;

import io.github.kinesisconsumer.kinesis.FanOutOptions;
import io.github.kinesisconsumer.kinesis.StreamNotFoundException;
import io.github.kinesisconsumer.kinesis.StreamRef;
import io.github.kinesisconsumer.kinesis.discovery.StreamConsumerRegistrar;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The enhanced fan-out stream consumer of a job: found or registered before the first shards are
 * assigned, and deregistered (waiting until it is gone) when the enumerator closes, if this job
 * registered it.
 */
final class FanOutConsumerLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutConsumerLifecycle.class);

    private final FanOutOptions fanOut;
    private final StreamRef stream;
    private volatile StreamConsumerRegistrar.Registration registration;

    FanOutConsumerLifecycle(FanOutOptions fanOut, StreamRef stream) {
        this.fanOut = fanOut;
        this.stream = stream;
    }

    /** Finds or registers the consumer once; runs on a worker thread. */
    void ensureRegistered(KinesisAsyncClient client) {
        if (registration != null) {
            return;
        }
        try {
            registration =
                    new StreamConsumerRegistrar(client, stream)
                            .registerIfMissing(fanOut.consumerName(), fanOut.registrationTimeout());
        } catch (StreamNotFoundException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot find or register the stream consumer '"
                            + fanOut.consumerName()
                            + "' of stream "
                            + stream
                            + " for enhanced fan-out (does the role allow"
                            + " kinesis:DescribeStreamConsumer and RegisterStreamConsumer?): "
                            + (e.getCause() != null ? e.getCause() : e),
                    e);
        }
    }

    /** Deregisters the consumer if this job registered it and the options ask for it. */
    void close(KinesisAsyncClient client) {
        StreamConsumerRegistrar.Registration r = registration;
        if (r == null || !r.registeredHere() || !fanOut.deregisterOnClose()) {
            return;
        }
        try {
            // a job restarted next (failover) must not find the consumer DELETING
            new StreamConsumerRegistrar(client, stream)
                    .deregisterAndAwaitDeletion(
                            fanOut.consumerName(), fanOut.registrationTimeout());
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not deregister stream consumer '{}' of stream {}; deregister it by hand",
                    fanOut.consumerName(),
                    stream,
                    e);
        }
    }
}
