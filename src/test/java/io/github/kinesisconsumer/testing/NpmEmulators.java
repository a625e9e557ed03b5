package io.github.kinesisconsumer.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Finds the emulators that {@code scripts/services.sh} installed into {@code .local/npm} (of this
 * checkout, or of the main checkout when this is a git worktree), for tests that start their own.
 */
final class NpmEmulators {

    private NpmEmulators() {}

    /**
     * The folder of npm package {@code name}, which holds {@code entry}; installs it if missing.
     */
    static File home(String name, String entry) {
        String relative = ".local/npm/node_modules/" + name;
        File own = ProjectDir.file(relative);
        if (new File(own, entry).isFile()) {
            return own;
        }
        File main = mainCheckout();
        if (main != null && new File(main, relative + "/" + entry).isFile()) {
            return new File(main, relative);
        }
        ServicesScript.run("install");
        if (new File(own, entry).isFile()) {
            return own;
        }
        throw new IllegalStateException(
                name + " is not installed in " + own + "; run scripts/services.sh install");
    }

    /** For a git worktree, the main checkout (from {@code .git}: "gitdir: X/.git/worktrees/n"). */
    static File mainCheckout() {
        File dotGit = ProjectDir.file(".git");
        if (!dotGit.isFile()) {
            return null;
        }
        try {
            String line = Files.readString(dotGit.toPath()).trim();
            int at = line.indexOf("/.git/worktrees/");
            return line.startsWith("gitdir:") && at > 0
                    ? new File(line.substring("gitdir:".length(), at).trim())
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean reachable(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits up to {@code timeoutSeconds} until {@code process} listens on {@code port}; kills it
     * and throws if it exits or the time runs out.
     */
    static void awaitListening(
            Process process, int port, String what, File log, int timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!reachable(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        what + " did not start on port " + port + "; see " + log);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** SIGTERM, then SIGKILL after 5 s. */
    static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
