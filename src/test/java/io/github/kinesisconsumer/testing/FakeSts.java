package io.github.kinesisconsumer.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for STS on a loopback port: answers every request (AssumeRole) with temporary
 * credentials valid for an hour, over HTTP/1.1 keep-alive connections, and counts the requests and
 * the connections still open, so a test sees whether the STS client that made them was closed
 * (closing it closes its pooled connections).
 */
public final class FakeSts implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private volatile boolean closed;

    public FakeSts() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fake-sts-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int requests() {
        return requests.get();
    }

    public int openConnections() {
        return openConnections.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                openConnections.incrementAndGet();
                Thread t = new Thread(() -> serve(socket), "fake-sts-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (Socket s = socket;
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream()) {
            while (true) {
                int length = readHeaders(in);
                if (length < 0) {
                    return;
                }
                in.readNBytes(length);
                requests.incrementAndGet();
                byte[] body = assumeRoleResponse().getBytes(StandardCharsets.UTF_8);
                out.write(
                        ("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: "
                                        + body.length
                                        + "\r\nConnection: keep-alive\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // connection dropped
        } finally {
            openConnections.decrementAndGet();
        }
    }

    /** Reads a request's headers; returns its Content-Length, or -1 at the end of the stream. */
    private static int readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int length = 0;
        boolean any = false;
        int b;
        while ((b = in.read()) >= 0) {
            any = true;
            if (b == '\n') {
                String header = line.toString(StandardCharsets.US_ASCII).trim();
                line.reset();
                if (header.isEmpty()) {
                    return length;
                }
                if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring("content-length:".length()).trim());
                }
            } else {
                line.write(b);
            }
        }
        if (any) {
            throw new IOException("request cut off");
        }
        return -1;
    }

    private static String assumeRoleResponse() {
        Instant expiry = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleResult><Credentials>"
                + "<AccessKeyId>ASIAFAKESTS</AccessKeyId>"
                + "<SecretAccessKey>fake-secret</SecretAccessKey>"
                + "<SessionToken>fake-session-token</SessionToken>"
                + "<Expiration>"
                + expiry
                + "</Expiration></Credentials>"
                + "<AssumedRoleUser><AssumedRoleId>AROAFAKE:test</AssumedRoleId>"
                + "<Arn>arn:aws:sts::000000000000:assumed-role/test/test</Arn></AssumedRoleUser>"
                + "</AssumeRoleResult><ResponseMetadata><RequestId>fake</RequestId>"
                + "</ResponseMetadata></AssumeRoleResponse>";
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
