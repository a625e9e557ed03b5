package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.annotation.Internal;

import org.reactivestreams.Publisher;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A client interceptor that decodes the records of SubscribeToShard events itself, as {@link
 * GetRecordsDecoding} does for GetRecords: it reads the event-stream messages of a successful
 * subscription that asked for it ({@link DecodedEvents#attachTo}), takes the records out of each
 * {@code SubscribeToShardEvent} and hands the SDK the same message without them. The SDK still
 * reads the HTTP/2 stream, checks the framing, maps errors and delivers each event (continuation,
 * lag, child shards) in order.
 */
@Internal
public final class SubscribeToShardDecoding implements ExecutionInterceptor {

    @Override
    public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(
            Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        DecodedEvents holder = attributes.getAttribute(DecodedEvents.ATTRIBUTE);
        Optional<Publisher<ByteBuffer>> body = context.responsePublisher();
        if (holder == null || body.isEmpty() || !context.httpResponse().isSuccessful()) {
            return body;
        }
        return Optional.of(new EventRecordSplitter(body.get(), holder));
    }
}
