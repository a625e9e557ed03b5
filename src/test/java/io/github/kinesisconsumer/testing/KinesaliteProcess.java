package io.github.kinesisconsumer.testing;

import io.github.kinesisconsumer.kinesis.ClientSettings;
import io.github.kinesisconsumer.kinesis.Credentials;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A kinesalite of the test's own, on a free loopback port, its data in LevelDB on disk ({@code
 * --path}), so a test can kill and restart it without touching the shared emulators. It runs the
 * kinesalite that {@code scripts/services.sh} installed into {@code .local/npm} (of this checkout,
 * or of the main checkout when this is a git worktree).
 */
public final class KinesaliteProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KinesaliteProcess.class);

    private final File home;
    private final Path data;
    private final int port;
    private Process process;
    private KinesisAsyncClient client;

    private KinesaliteProcess(File home, Path data, int port) {
        this.home = home;
        this.data = data;
        this.port = port;
    }

    /** Starts kinesalite keeping its data under {@code dataDir}. */
    public static KinesaliteProcess start(Path dataDir) throws IOException {
        KinesaliteProcess k =
                new KinesaliteProcess(
                        NpmEmulators.home("kinesalite", "cli.js"),
                        dataDir,
                        NpmEmulators.freePort());
        k.launch();
        return k;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Client settings for it: JSON (kinesalite needs CBOR off). */
    public ClientSettings clientSettings() {
        return settingsFor(endpoint());
    }

    /** The same settings for another endpoint (a proxy in front of this kinesalite, say). */
    public static ClientSettings settingsFor(String endpoint) {
        return ClientSettings.builder()
                .region("us-east-1")
                .endpoint(endpoint)
                .credentials(Credentials.basic("local", "local"))
                .cborEnabled(false)
                .build();
    }

    /** Creates an ACTIVE stream (it lives as long as the data directory). */
    public TestStream createStream(String name, int shards) {
        if (client == null) {
            client = clientSettings().createAsyncClient();
        }
        TestStream stream = new TestStream(client, name, endpoint());
        stream.create(shards);
        return stream;
    }

    /** Kills the process (SIGKILL) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        LOG.info("kinesalite on port {} killed", port);
    }

    /** Starts it again on the same port with the same data directory. */
    public void restart() throws IOException {
        launch();
    }

    private void launch() throws IOException {
        File log = data.resolveSibling(data.getFileName() + ".log").toFile();
        ProcessBuilder pb =
                new ProcessBuilder(
                                List.of(
                                        "node",
                                        "--require",
                                        ProjectDir.file("scripts/npm/loopback-only.cjs")
                                                .getAbsolutePath(),
                                        "--require",
                                        ProjectDir.file("scripts/npm/kinesalite-fixes.cjs")
                                                .getAbsolutePath(),
                                        "cli.js",
                                        "--port",
                                        Integer.toString(port),
                                        "--path",
                                        data.toAbsolutePath().toString(),
                                        "--createStreamMs",
                                        "0",
                                        "--deleteStreamMs",
                                        "0",
                                        "--updateStreamMs",
                                        "0",
                                        "--shardLimit",
                                        "20000"))
                        .directory(home)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().put("BIND_HOST", "127.0.0.1");
        Files.createDirectories(data);
        process = pb.start();
        NpmEmulators.awaitListening(process, port, "kinesalite", log, 30);
        LOG.info("kinesalite started on port {} with data in {}", port, data);
    }

    @Override
    public void close() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        NpmEmulators.stop(process);
    }
}
