package io.github.kinesisconsumer.testing;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The high-availability cluster of {@code scripts/flink-cluster.sh} ({@code FLINK_HA=zookeeper}),
 * started by the calling script: its commands (submit, leader, kill and start of JobManagers and
 * TaskManagers) and the leading JobManager's REST API.
 */
public final class FlinkClusterScript {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final String flinkVersion;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public FlinkClusterScript(Path root, String flinkVersion) {
        this.root = root;
        this.flinkVersion = flinkVersion;
    }

    /** Runs {@code scripts/flink-cluster.sh args}; returns its standard output, trimmed. */
    public String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "scripts/flink-cluster.sh"));
        command.addAll(Arrays.asList(args));
        Path err = Files.createTempFile("flink-cluster", ".err");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(command)
                            .directory(root.toFile())
                            .redirectError(err.toFile());
            pb.environment().put("FLINK_HA", "zookeeper");
            pb.environment().put("FLINK_VERSION", flinkVersion);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException(
                        "flink-cluster.sh "
                                + String.join(" ", args)
                                + " exited "
                                + rc
                                + ": "
                                + Files.readString(err).trim());
            }
            return out.trim();
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The number of the leading JobManager, or -1 while none leads. */
    public int leader() {
        try {
            return Integer.parseInt(run("leader").split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The leading JobManager's REST address. */
    public String rest() throws IOException, InterruptedException {
        return "http://127.0.0.1:" + run("leader").split(" ")[1];
    }

    /** Uploads {@code jar} and runs {@code mainClass} with {@code args}; returns the job id. */
    public String submit(String jar, String mainClass, int parallelism, List<String> args)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "submit",
                                jar,
                                "--class",
                                mainClass,
                                "--parallelism",
                                Integer.toString(parallelism),
                                "--"));
        command.addAll(args);
        return run(command.toArray(new String[0]));
    }

    /** GET {@code path} from the leader's REST API, or null if it does not answer. */
    public JsonNode get(String path) {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(rest() + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Whether the job and every one of its tasks run. */
    public boolean running(String job) {
        JsonNode j = get("/jobs/" + job);
        if (j == null || !"RUNNING".equals(j.path("state").asText())) {
            return false;
        }
        for (JsonNode v : j.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Cancels the job (best effort). */
    public void cancel(String job) throws InterruptedException {
        try {
            http.send(
                    HttpRequest.newBuilder(URI.create(rest() + "/jobs/" + job + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the cluster is stopped next anyway
        }
    }
}
