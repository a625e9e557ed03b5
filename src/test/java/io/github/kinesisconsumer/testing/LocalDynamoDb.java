package io.github.kinesisconsumer.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;

/** A synchronous client of DynamoDB Local, for tests that write tables as other programs do. */
public final class LocalDynamoDb {

    private LocalDynamoDb() {}

    /** The endpoint from {@code KC_DYNAMODB_ENDPOINT}, else 127.0.0.1:8000. */
    public static String endpoint() {
        String e = System.getenv("KC_DYNAMODB_ENDPOINT");
        return e == null || e.isEmpty() ? "http://127.0.0.1:8000" : e;
    }

    /**
     * A client signing with {@code accessKeyId}: DynamoDB Local keeps the tables of each access key
     * apart, so a test reads what it wrote only with the same key.
     */
    public static DynamoDbClient client(String accessKeyId) {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create(accessKeyId, "x"))
                .build();
    }
}
