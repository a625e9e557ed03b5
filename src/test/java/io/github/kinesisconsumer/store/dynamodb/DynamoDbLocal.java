package io.github.kinesisconsumer.store.dynamodb;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;
import io.github.kinesisconsumer.testing.ServicesScript;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * DynamoDB Local as started by {@code scripts/services.sh} ({@code KC_DYNAMODB_ENDPOINT}, default
 * {@code http://127.0.0.1:8000}).
 */
final class DynamoDbLocal {

    private DynamoDbLocal() {}

    static String endpoint() {
        String fromEnv = System.getenv("KC_DYNAMODB_ENDPOINT");
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : "http://127.0.0.1:8000";
    }

    static InetSocketAddress address() {
        URI uri = URI.create(endpoint());
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
    }

    static ClientSettings settings(String endpoint) {
        return ClientSettings.builder()
                .region("us-east-1")
                .endpoint(endpoint)
                .credentials(Credentials.basic("local", "local"))
                .build();
    }

    /** A raw client for arranging and inspecting items; the caller closes it. */
    static DynamoDbClientFactory.OwnedClient rawClient() {
        return DynamoDbClientFactory.create(settings(endpoint()));
    }

    /** Starts DynamoDB Local with the project's script unless it already answers. */
    static void ensureRunning() throws IOException, InterruptedException {
        if (reachable()) {
            return;
        }
        if (ServicesScript.run("start", "dynamodb") != 0 || !reachable()) {
            throw new IllegalStateException(
                    "DynamoDB Local is not reachable at "
                            + endpoint()
                            + "; run scripts/services.sh start dynamodb");
        }
    }

    private static boolean reachable() {
        InetSocketAddress a = address();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(a.getHostString(), a.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
