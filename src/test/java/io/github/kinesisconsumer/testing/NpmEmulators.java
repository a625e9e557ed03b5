package io.github.kinesisconsumer.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;

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
    private static File mainCheckout() {
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
}
