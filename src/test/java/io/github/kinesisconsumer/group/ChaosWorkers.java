package io.github.kinesisconsumer.group;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker processes of a chaos run: {@link GroupWorkerProcess} JVMs journaling to one file per
 * incarnation ({@code <id>-<n>.journal}), which can be killed (SIGKILL) and restarted under the
 * same worker id, or frozen (SIGSTOP) and thawed (SIGCONT).
 */
final class ChaosWorkers implements AutoCloseable {

    private final Path dir;
    private final String stream;
    private final String group;
    private final String kinesisEndpoint;
    private final String dynamoDbEndpoint;
    private final String[] ids;
    private final Process[] processes;
    private final int[] incarnations;
    private final boolean[] frozen;
    private final List<Path> journals = new ArrayList<>();

    /** Incarnations whose process ended without being killed (their scan failed). */
    final List<String> exitedOnTheirOwn = new ArrayList<>();

    /** Incarnations that exited at start: DynamoDB was down when they joined (restarted). */
    final List<String> failedToStart = new ArrayList<>();

    ChaosWorkers(
            Path dir,
            int count,
            String stream,
            String group,
            String kinesisEndpoint,
            String dynamoDbEndpoint) {
        this.dir = dir;
        this.stream = stream;
        this.group = group;
        this.kinesisEndpoint = kinesisEndpoint;
        this.dynamoDbEndpoint = dynamoDbEndpoint;
        this.ids = new String[count];
        this.processes = new Process[count];
        this.incarnations = new int[count];
        this.frozen = new boolean[count];
        for (int i = 0; i < count; i++) {
            ids[i] = "w" + (i + 1);
        }
    }

    int size() {
        return ids.length;
    }

    String id(int i) {
        return ids[i];
    }

    /** The journal name of worker i's current incarnation, e.g. {@code w2-1}. */
    String incarnation(int i) {
        return ids[i] + "-" + incarnations[i];
    }

    boolean isAlive(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    boolean isFrozen(int i) {
        return frozen[i];
    }

    synchronized List<Path> journals() {
        return List.copyOf(journals);
    }

    /** Starts worker i (a new incarnation if it ran before). */
    synchronized void start(int i) throws IOException {
        if (processes[i] != null) {
            incarnations[i]++;
        }
        Path journal = dir.resolve(incarnation(i) + ".journal");
        journals.add(journal);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                                java,
                                "-Xmx160m",
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-Dgroup.journal=true",
                                "-Dgroup.kinesis.endpoint=" + kinesisEndpoint,
                                "-cp",
                                System.getProperty("java.class.path"),
                                GroupWorkerProcess.class.getName(),
                                stream,
                                group,
                                ids[i],
                                journal.toString(),
                                "-")
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        dir.resolve(incarnation(i) + ".log").toFile()));
        Map<String, String> env = pb.environment();
        env.put("KC_DYNAMODB_ENDPOINT", dynamoDbEndpoint);
        processes[i] = pb.start();
        frozen[i] = false;
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill(int i) throws InterruptedException {
        Process p = processes[i];
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        frozen[i] = false;
    }

    void freeze(int i) throws IOException, InterruptedException {
        signal(i, "STOP");
        frozen[i] = true;
    }

    void thaw(int i) throws IOException, InterruptedException {
        signal(i, "CONT");
        frozen[i] = false;
    }

    private void signal(int i, String signal) throws IOException, InterruptedException {
        Process kill =
                new ProcessBuilder("kill", "-" + signal, Long.toString(processes[i].pid()))
                        .inheritIO()
                        .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException(
                    "kill -" + signal + " of " + incarnation(i) + " failed");
        }
    }

    /** Restarts workers whose process ended on its own, noting them in exitedOnTheirOwn. */
    synchronized void restartExited() throws IOException {
        for (int i = 0; i < ids.length; i++) {
            if (processes[i] != null && !processes[i].isAlive()) {
                String what = incarnation(i) + " (exit " + processes[i].exitValue() + ")";
                if (failedToJoin(i)) {
                    failedToStart.add(what);
                } else {
                    exitedOnTheirOwn.add(what);
                }
                start(i);
            }
        }
    }

    /**
     * Whether worker i's incarnation ended before it delivered or checkpointed anything, because
     * the lease table could not be reached when it joined (a scan fails fast at start).
     */
    private boolean failedToJoin(int i) throws IOException {
        Path journal = dir.resolve(incarnation(i) + ".journal");
        Path log = dir.resolve(incarnation(i) + ".log");
        if (Files.exists(journal) && Files.size(journal) > 0) {
            return false;
        }
        String text = Files.exists(log) ? Files.readString(log) : "";
        return text.contains("create table failed") || text.contains("heartbeat failed");
    }

    /** Thaws the frozen and restarts the dead, so every worker runs. */
    void reviveAll() throws IOException, InterruptedException {
        restartExited();
        for (int i = 0; i < ids.length; i++) {
            if (frozen[i]) {
                thaw(i);
            }
            if (!isAlive(i)) {
                start(i);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < ids.length; i++) {
            Process p = processes[i];
            if (p != null && p.isAlive()) {
                if (frozen[i]) {
                    try {
                        thaw(i);
                    } catch (IOException e) {
                        // SIGKILL below ends it anyway
                    }
                }
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
