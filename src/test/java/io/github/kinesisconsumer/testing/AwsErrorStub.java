package io.github.kinesisconsumer.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that answers every request with one AWS JSON error, as a real endpoint
 * answers what the emulators cannot show (they accept any credentials). Use with CBOR off.
 */
public final class AwsErrorStub implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private AwsErrorStub(int status, String errorType, String message) throws IOException {
        byte[] body =
                ("{\"__type\":\"" + errorType + "\",\"message\":\"" + message + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    requests.incrementAndGet();
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                    exchange.getResponseHeaders().add("x-amzn-RequestId", "stub-request");
                    exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
                    exchange.sendResponseHeaders(status, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
    }

    /** What Kinesis answers to an access key it does not know. */
    public static AwsErrorStub unrecognizedClient() throws IOException {
        return new AwsErrorStub(
                400,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.");
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
