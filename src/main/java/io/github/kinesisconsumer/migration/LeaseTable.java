package io.github.kinesisconsumer.migration;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.store.dynamodb.DynamoDbClientFactory;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * An earlier consumer's lease table in DynamoDB, read only: its key and its rows, page by page. A
 * failed call is a {@link MigrationException} naming the table.
 */
final class LeaseTable {

    private final String name;
    private final String description;
    private final ClientSettings settings;
    private final DynamoDbAsyncClient dynamo;

    private LeaseTable(
            String name, String description, ClientSettings settings, DynamoDbAsyncClient dynamo) {
        this.name = name;
        this.description = description;
        this.settings = settings;
        this.dynamo = dynamo;
    }

    /**
     * Runs {@code reader} on table {@code name} through {@code client}, or else through a client
     * made from {@code settings} and closed after it.
     */
    static <T> T read(
            String name,
            String description,
            ClientSettings settings,
            DynamoDbAsyncClient client,
            Function<LeaseTable, T> reader) {
        if (client != null) {
            return reader.apply(new LeaseTable(name, description, settings, client));
        }
        try (DynamoDbClientFactory.OwnedClient owned = DynamoDbClientFactory.create(settings)) {
            return reader.apply(new LeaseTable(name, description, settings, owned.client()));
        }
    }

    /** The table's key; a missing table is refused with {@code whatToGive} as the fix. */
    List<KeySchemaElement> keySchema(String whatToGive) {
        try {
            return call(() -> dynamo.describeTable(r -> r.tableName(name))).table().keySchema();
        } catch (ResourceNotFoundException e) {
            throw new IllegalArgumentException(
                    "there is no table '"
                            + name
                            + "' in DynamoDB"
                            + (settings == null ? "" : " at " + settings.describe())
                            + ": "
                            + whatToGive,
                    e);
        }
    }

    static List<String> attributeNames(List<KeySchemaElement> keys) {
        return keys.stream().map(KeySchemaElement::attributeName).collect(Collectors.toList());
    }

    /** Every row {@code request} selects, in scan order. */
    void scan(
            UnaryOperator<ScanRequest.Builder> request, Consumer<Map<String, AttributeValue>> row) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page =
                    call(
                            () ->
                                    dynamo.scan(
                                            r ->
                                                    request.apply(r.tableName(name))
                                                            .exclusiveStartKey(from)));
            page.items().forEach(row);
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null && !start.isEmpty());
    }

    /** Every row the query {@code request} selects, in key order. */
    void query(
            UnaryOperator<QueryRequest.Builder> request,
            Consumer<Map<String, AttributeValue>> row) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page =
                    call(
                            () ->
                                    dynamo.query(
                                            r ->
                                                    request.apply(r.tableName(name))
                                                            .exclusiveStartKey(from)));
            page.items().forEach(row);
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null && !start.isEmpty());
    }

    private <T> T call(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get().join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ResourceNotFoundException) {
                throw (ResourceNotFoundException) cause;
            }
            throw new MigrationException(
                    "cannot read " + description + ": " + cause.getMessage(), cause);
        }
    }
}
