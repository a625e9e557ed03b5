package io.github.kinesisconsumer.testing;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scripts/services.sh} from a test. Its output goes to {@code
 * target/services-from-tests.log} and its input is empty: a forked test JVM's standard streams
 * carry Surefire's own messages, which a child process must not touch.
 */
public final class ServicesScript {

    /** Runs {@code services.sh args...}; returns its exit code (-1 after 300 s). */
    public static int run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(ProjectDir.file("scripts/services.sh").getAbsolutePath());
        command.addAll(List.of(args));
        File log = ProjectDir.file("target/services-from-tests.log");
        log.getParentFile().mkdirs();
        try {
            Process p =
                    new ProcessBuilder(command)
                            .directory(ProjectDir.root())
                            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                            .start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run " + command + " (output in " + log + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private ServicesScript() {}
}
