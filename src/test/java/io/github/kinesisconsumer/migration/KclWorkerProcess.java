package io.github.kinesisconsumer.migration;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real KCL 2.x application of {@code src/test/kcl} (built there by Maven with the KCL and
 * its dependencies, which stay off this test class path) in a JVM of its own.
 */
final class KclWorkerProcess {

    private static Path classPath;

    private final Process process;
    private final Path output;
    private final Path log;

    private KclWorkerProcess(Process process, Path output, Path log) {
        this.process = process;
        this.output = output;
        this.log = log;
    }

    /** One finished run: its exit code, its log and the records it processed and checkpointed. */
    static final class Result {
        final int exit;
        final String log;
        final List<String[]> records;

        Result(int exit, String log, List<String[]> records) {
            this.exit = exit;
            this.log = log;
            this.records = records;
        }
    }

    /**
     * Starts reading {@code stream} from TRIM_HORIZON with lease table {@code application}; the
     * worker shuts down gracefully once it has processed and checkpointed {@code limit} records.
     */
    static KclWorkerProcess start(
            String kinesisEndpoint,
            String dynamoDbEndpoint,
            String stream,
            String application,
            int limit,
            Path dir)
            throws Exception {
        Path output = dir.resolve("kcl-records.tsv");
        Path log = dir.resolve("kcl-worker.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(workerClassPath());
        command.add("io.github.kinesisconsumer.kcl.KclWorker");
        command.add(kinesisEndpoint);
        command.add(dynamoDbEndpoint);
        command.add(stream);
        command.add(application);
        command.add(output.toString());
        command.add(Integer.toString(limit));
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        return new KclWorkerProcess(process, output, log);
    }

    /** The records the worker has processed so far. */
    List<String[]> records() throws IOException {
        List<String[]> records = new ArrayList<>();
        if (Files.exists(output)) {
            for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) {
                    records.add(line.split("\t", 5));
                }
            }
        }
        return records;
    }

    /** Waits until the worker has processed {@code count} records (at most 120 s). */
    void awaitRecords(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (records().size() < count) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the KCL worker processed "
                                + records().size()
                                + " of "
                                + count
                                + " records:\n"
                                + tail(log));
            }
            Thread.sleep(100);
        }
    }

    /** Waits for the worker to stop (at most 240 s). */
    Result awaitExit() throws Exception {
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the KCL worker did not stop in 240 s:\n" + tail(log));
        }
        return new Result(process.exitValue(), tail(log), records());
    }

    private static synchronized String workerClassPath() throws IOException, InterruptedException {
        if (classPath == null) {
            File root = projectRoot();
            Path out = root.toPath().resolve("target/kcl-worker");
            Path cpFile = out.resolve("classpath.txt");
            Process build =
                    new ProcessBuilder(
                                    "mvn",
                                    "-B",
                                    "-ntp",
                                    "-q",
                                    "-f",
                                    "src/test/kcl/pom.xml",
                                    "package",
                                    "dependency:build-classpath",
                                    "-Dmdep.outputFile=" + cpFile)
                            .directory(root)
                            .redirectErrorStream(true)
                            .redirectOutput(
                                    root.toPath().resolve("target/kcl-worker-build.log").toFile())
                            .start();
            if (!build.waitFor(600, TimeUnit.SECONDS) || build.exitValue() != 0) {
                throw new AssertionError(
                        "building src/test/kcl failed: see target/kcl-worker-build.log");
            }
            classPath = cpFile;
        }
        String dependencies = Files.readString(classPath, StandardCharsets.UTF_8).trim();
        return classPath.getParent().resolve("kcl-worker-1.jar")
                + File.pathSeparator
                + dependencies;
    }

    private static File projectRoot() {
        File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
        while (dir != null && !new File(dir, "src/test/kcl/pom.xml").isFile()) {
            dir = dir.getParentFile();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find src/test/kcl/pom.xml above user.dir");
        }
        return dir;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
