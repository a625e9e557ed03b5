package io.github.kinesisconsumer.migration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a JVM with the legacy connector's jar: reads a savepoint with {@link
 * LegacySavepointPositions} and writes one line per position, {@code
 * kind,stream,shard,sequenceNumber,subSequenceNumber}.
 *
 * <p>Arguments: savepoint path, uid, output file.
 */
public final class SavepointPositionsDump {

    private SavepointPositionsDump() {}

    public static void main(String[] args) throws Exception {
        List<String> lines = new ArrayList<>();
        for (PriorPosition p : LegacySavepointPositions.forUid(args[0], args[1]).read()) {
            lines.add(
                    String.join(
                            ",",
                            p.kind().name(),
                            p.streamName(),
                            p.shardId(),
                            String.valueOf(p.sequenceNumber()),
                            Long.toString(p.subSequenceNumber())));
        }
        Path tmp = Paths.get(args[2] + ".tmp");
        Files.write(tmp, lines);
        Files.move(tmp, Paths.get(args[2]), StandardCopyOption.ATOMIC_MOVE);
        System.exit(0);
    }

    /** Runs this in a JVM of its own with {@code legacyJar}; returns the lines it wrote. */
    static List<String> run(Path legacyJar, String savepoint, String uid, Path dir)
            throws Exception {
        Path out = dir.resolve("positions.txt");
        Path log = dir.resolve("reader.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.add("--add-opens=java.base/java.util=ALL-UNNAMED");
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path") + java.io.File.pathSeparator + legacyJar);
        cmd.add(SavepointPositionsDump.class.getName());
        cmd.add(savepoint);
        cmd.add(uid);
        cmd.add(out.toString());
        Process reader =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!reader.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            reader.destroyForcibly();
            throw new AssertionError("the reader did not finish:\n" + Files.readString(log));
        }
        if (reader.exitValue() != 0) {
            throw new AssertionError(
                    "the reader failed (" + reader.exitValue() + "):\n" + Files.readString(log));
        }
        return Files.readAllLines(out);
    }

    /** The legacy connector the build copied next to the test classes' directory. */
    static Path legacyJar() throws Exception {
        Path testClasses =
                Paths.get(
                        SavepointPositionsDump.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        Path jar =
                testClasses
                        .getParent()
                        .resolve("legacy-connector/flink-connector-kinesis-4.3.0-1.19.jar");
        if (!Files.exists(jar)) {
            throw new AssertionError(
                    jar + " is missing: the build copies it (pom, legacy-connector)");
        }
        return jar;
    }
}
