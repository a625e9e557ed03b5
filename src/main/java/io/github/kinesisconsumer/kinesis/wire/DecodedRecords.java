package io.github.kinesisconsumer.kinesis.wire;

import io.github.kinesisconsumer.annotation.Internal;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;

import java.util.List;

/**
 * Where one GetRecords call's records arrive when {@link GetRecordsDecoding} decoded them. The
 * response the SDK returns then carries every other field but an empty record list; a client
 * without the interceptor (or an asynchronous one) leaves this empty and the response whole, so
 * {@link #recordsOf} works either way.
 */
@Internal
public final class DecodedRecords {

    static final ExecutionAttribute<DecodedRecords> ATTRIBUTE =
            new ExecutionAttribute<>("kinesis-consumer.decoded-records");

    private volatile List<RawRecord> records;

    private DecodedRecords() {}

    /**
     * Asks for the records of the call {@code request} builds to be decoded into the result; keeps
     * any override configuration the request already has.
     */
    public static DecodedRecords attachTo(GetRecordsRequest.Builder request) {
        DecodedRecords holder = new DecodedRecords();
        request.overrideConfiguration(with(request.overrideConfiguration(), ATTRIBUTE, holder));
        return holder;
    }

    /** {@code existing} (or none) with one more execution attribute. */
    static <T> AwsRequestOverrideConfiguration with(
            AwsRequestOverrideConfiguration existing, ExecutionAttribute<T> attribute, T value) {
        return (existing == null ? AwsRequestOverrideConfiguration.builder() : existing.toBuilder())
                .putExecutionAttribute(attribute, value)
                .build();
    }

    void set(List<RawRecord> decoded) {
        this.records = decoded;
    }

    /** The records of {@code response}: the decoded ones if the interceptor ran, else the SDK's. */
    public List<RawRecord> recordsOf(GetRecordsResponse response) {
        List<RawRecord> decoded = records;
        return decoded != null ? decoded : RawRecord.all(response.records());
    }

    /** True when the interceptor decoded this call's records. */
    public boolean decoded() {
        return records != null;
    }
}
