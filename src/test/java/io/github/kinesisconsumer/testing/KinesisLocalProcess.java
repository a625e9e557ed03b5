package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A kinesis-local (kinesis-mock) of the test's own on free loopback ports, with stream consumer
 * registration and deregistration taking the given time, as on real Kinesis (the shared emulator
 * does both at once): a deregistered consumer stays DELETING for that long, and registering its
 * name again meanwhile fails with ResourceInUseException.
 */
public final class KinesisLocalProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisLocalProcess.class);

    private final int port;
    private final Process process;
    private final KinesisAsyncClient client;

    private KinesisLocalProcess(int port, Process process) {
        this.port = port;
        this.process = process;
        this.client = clientSettings().createAsyncClient();
    }

    /** Starts kinesis-local with these consumer registration and deregistration times. */
    public static KinesisLocalProcess start(Duration register, Duration deregister)
            throws IOException {
        File home = NpmEmulators.home("kinesis-local", "main.js");
        int port = NpmEmulators.freePort();
        int tlsPort = NpmEmulators.freePort();
        File log = ProjectDir.file("target/kinesis-local-" + port + ".log");
        log.getParentFile().mkdirs();
        ProcessBuilder pb =
                new ProcessBuilder(
                                List.of(
                                        "node",
                                        "--require",
                                        ProjectDir.file("scripts/npm/loopback-only.cjs")
                                                .getAbsolutePath(),
                                        "main.js"))
                        .directory(home)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().put("BIND_HOST", "127.0.0.1");
        pb.environment().put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
        pb.environment().put("KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort));
        pb.environment().put("SHARD_LIMIT", "20000");
        for (String op :
                List.of(
                        "CREATE_STREAM",
                        "DELETE_STREAM",
                        "MERGE_SHARDS",
                        "SPLIT_SHARD",
                        "UPDATE_SHARD_COUNT")) {
            pb.environment().put(op + "_DURATION", "0ms");
        }
        // kinesis-local 0.6.2 reads the deregistration time from START_STREAM_ENCRYPTION_DURATION
        // (measured: DEREGISTER_STREAM_CONSUMER_DURATION has no effect on it); set both names
        pb.environment().put("REGISTER_STREAM_CONSUMER_DURATION", register.toMillis() + "ms");
        pb.environment().put("STOP_STREAM_ENCRYPTION_DURATION", register.toMillis() + "ms");
        pb.environment().put("DEREGISTER_STREAM_CONSUMER_DURATION", deregister.toMillis() + "ms");
        pb.environment().put("START_STREAM_ENCRYPTION_DURATION", deregister.toMillis() + "ms");
        Process process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!NpmEmulators.reachable(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "kinesis-local did not start on port " + port + "; see " + log);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        LOG.info(
                "kinesis-local started on port {} (consumers register in {}, deregister in {})",
                port,
                register,
                deregister);
        return new KinesisLocalProcess(port, process);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public ClientSettings clientSettings() {
        return ClientSettings.builder()
                .region("us-east-1")
                .endpoint(endpoint())
                .credentials(Credentials.basic("local", "local"))
                .build();
    }

    /** A client for test set-up; closed with this process. */
    public KinesisAsyncClient client() {
        return client;
    }

    /** Creates an ACTIVE stream with a unique name (it lives as long as the process). */
    public TestStream createStream(String prefix, int shards) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        TestStream stream = new TestStream(client, name.toLowerCase(Locale.ROOT), endpoint());
        stream.create(shards);
        return stream;
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
