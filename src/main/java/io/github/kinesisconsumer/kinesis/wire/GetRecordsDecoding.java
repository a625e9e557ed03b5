package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.annotation.Internal;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

/**
 * A client interceptor that decodes successful GetRecords answers itself (see {@link
 * RecordsWireFormat}) and hands the SDK the answer without its records, so the SDK's general
 * unmarshaller only sees the iterator, the lag and the child shards. Calls that did not ask for it
 * ({@link DecodedRecords#attachTo}) and error answers pass through untouched: the SDK maps errors,
 * throttling and expired iterators as it always does.
 */
@Internal
public final class GetRecordsDecoding implements ExecutionInterceptor {

    /** Turns the decoding off for every client built after it is set (benchmarks compare both). */
    public static final String DISABLE_PROPERTY = "kinesisconsumer.sdkRecordParsing";

    /** Whether clients built now should decode GetRecords answers themselves. */
    public static boolean enabled() {
        return !Boolean.getBoolean(DISABLE_PROPERTY);
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(
            Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        DecodedRecords holder = attributes.getAttribute(DecodedRecords.ATTRIBUTE);
        Optional<InputStream> body = context.responseBody();
        SdkHttpResponse response = context.httpResponse();
        if (holder == null || body.isEmpty() || !response.isSuccessful()) {
            return body;
        }
        boolean cbor =
                response.firstMatchingHeader("Content-Type")
                        .map(type -> type.toLowerCase(Locale.ROOT).contains("cbor"))
                        .orElse(false);
        try (InputStream in = body.get()) {
            long length =
                    response.firstMatchingHeader("Content-Encoding").isPresent()
                            ? -1L
                            : response.firstMatchingHeader("Content-Length")
                                    .map(GetRecordsDecoding::length)
                                    .orElse(-1L);
            RecordsWireFormat.Split split = RecordsWireFormat.split(in, cbor, length);
            holder.set(split.records);
            return Optional.of(new ByteArrayInputStream(split.rest));
        } catch (IOException e) {
            // as the SDK reports a body it cannot read: a client-side failure, retried by callers
            throw SdkClientException.create("could not read a GetRecords answer: " + e, e);
        }
    }

    private static long length(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }
}
