package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.annotation.Internal;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbAsyncWaiter;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Creates a pay-per-request DynamoDB table keyed by two strings when it is missing, then waits with
 * the SDK's waiter until it is ACTIVE. The checkpoint store and the consumer groups' lease table
 * both use it.
 */
@Internal
public final class DynamoDbTables {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private DynamoDbTables() {}

    /**
     * Completes with the ACTIVE table's description; exceptionally when creating fails for any
     * reason but an existing table, or when the table is not ACTIVE within {@code timeout}.
     */
    public static CompletableFuture<TableDescription> createIfMissing(
            DynamoDbAsyncClient client,
            String table,
            String hashKey,
            String rangeKey,
            Duration timeout) {
        CompletableFuture<?> created;
        try {
            created =
                    client.createTable(
                            r ->
                                    r.tableName(table)
                                            .billingMode(BillingMode.PAY_PER_REQUEST)
                                            .attributeDefinitions(
                                                    stringAttribute(hashKey),
                                                    stringAttribute(rangeKey))
                                            .keySchema(
                                                    key(hashKey, KeyType.HASH),
                                                    key(rangeKey, KeyType.RANGE)));
        } catch (RuntimeException e) {
            created = CompletableFuture.failedFuture(e);
        }
        return created.handle(
                        (ok, error) -> {
                            Throwable cause = DynamoDbCheckpointStore.unwrap(error);
                            if (cause != null && !(cause instanceof ResourceInUseException)) {
                                throw new CompletionException(cause);
                            }
                            return null;
                        })
                .thenCompose(ignored -> untilActive(client, table, timeout));
    }

    private static CompletableFuture<TableDescription> untilActive(
            DynamoDbAsyncClient client, String table, Duration timeout) {
        DynamoDbAsyncWaiter waiter =
                DynamoDbAsyncWaiter.builder()
                        .client(client)
                        .overrideConfiguration(
                                o ->
                                        o.waitTimeout(timeout)
                                                .maxAttempts(Integer.MAX_VALUE)
                                                .backoffStrategyV2(
                                                        BackoffStrategy.fixedDelay(POLL_INTERVAL)))
                        .build();
        return waiter.waitUntilTableExists(r -> r.tableName(table))
                .thenApply(
                        answer ->
                                answer.matched()
                                        .response()
                                        .orElseThrow(
                                                () ->
                                                        SdkClientException.create(
                                                                "table "
                                                                        + table
                                                                        + " is not ACTIVE after "
                                                                        + timeout.toSeconds()
                                                                        + " s"))
                                        .table())
                .whenComplete((description, error) -> waiter.close());
    }

    private static AttributeDefinition stringAttribute(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
