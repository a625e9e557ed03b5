package io.github.kinesisconsumer.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A DynamoDB Local of the test's own, on a free loopback port, its tables on disk ({@code
 * -dbPath}), so a test can kill and restart it without touching the shared one at :8000, and the
 * tables survive the restart. It runs the jars {@code scripts/services.sh} downloaded into {@code
 * .local/dynamodb/lib} (of this checkout, or of the main checkout when this is a git worktree),
 * launched as the script launches the shared one.
 */
public final class DynamoDbLocalProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbLocalProcess.class);

    private final File lib;
    private final Path data;
    private final int port;
    private Process process;
    private int restarts;

    private DynamoDbLocalProcess(File lib, Path data, int port) {
        this.lib = lib;
        this.data = data;
        this.port = port;
    }

    /** Starts DynamoDB Local keeping its tables under {@code dataDir}. */
    public static DynamoDbLocalProcess start(Path dataDir) throws IOException {
        DynamoDbLocalProcess d = new DynamoDbLocalProcess(lib(), dataDir, NpmEmulators.freePort());
        d.launch();
        return d;
    }

    private static File lib() {
        String relative = ".local/dynamodb/lib";
        File own = ProjectDir.file(relative);
        if (new File(own, ".complete").isFile()) {
            return own;
        }
        File main = NpmEmulators.mainCheckout();
        if (main != null && new File(main, relative + "/.complete").isFile()) {
            return new File(main, relative);
        }
        throw new IllegalStateException(
                "DynamoDB Local is not downloaded into "
                        + own
                        + "; run scripts/services.sh start dynamodb");
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Kills the process (SIGKILL) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        LOG.info("DynamoDB Local on port {} killed", port);
    }

    /** Starts it again on the same port with the same tables. */
    public void restart() throws IOException {
        restarts++;
        launch();
    }

    /** Restarts so far. */
    public int restarts() {
        return restarts;
    }

    private void launch() throws IOException {
        Path tmp = data.resolveSibling(data.getFileName() + "-tmp");
        Files.createDirectories(data);
        Files.createDirectories(tmp);
        File log = data.resolveSibling(data.getFileName() + ".log").toFile();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                                List.of(
                                        java,
                                        "-Xms64m",
                                        "-Xmx256m",
                                        "-XX:TieredStopAtLevel=1",
                                        "-Djava.io.tmpdir=" + tmp,
                                        "-cp",
                                        lib.getAbsolutePath() + File.separator + "*",
                                        "com.amazonaws.services.dynamodbv2.local.main.ServerRunner",
                                        "-dbPath",
                                        data.toAbsolutePath().toString(),
                                        "-port",
                                        Integer.toString(port),
                                        "-disableTelemetry"))
                        .directory(lib.getParentFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        process = pb.start();
        NpmEmulators.awaitListening(process, port, "DynamoDB Local", log, 60);
        LOG.info("DynamoDB Local started on port {} with tables in {}", port, data);
    }

    @Override
    public void close() throws InterruptedException {
        NpmEmulators.stop(process);
    }
}
