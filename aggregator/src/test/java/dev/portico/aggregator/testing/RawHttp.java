package dev.portico.aggregator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket, for what {@link java.net.http.HttpClient} cannot do on JDK 17: send from a chosen
 * local address (any of 127/8 reaches a loopback listener on Linux, so each is a different client address), or
 * send half a request and stall.
 */
public final class RawHttp {

    /** Guards every read: a server that neither answers nor closes fails the test instead of hanging it. */
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private RawHttp() {}

    /** One response: its status, its headers (names in lower case, last value wins) and its body as text. */
    public record Response(int status, Map<String, String> headers, String body) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** {@code GET target} (path and query of {@code base}'s server) from {@code from}. */
    public static Response get(URI base, String target, InetAddress from) {
        return exchange(
                base,
                from,
                "GET " + target + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nConnection: close\r\n\r\n",
                new byte[0]);
    }

    /** {@code POST target} with a JSON {@code body} from loopback. */
    public static Response postJson(URI base, String target, byte[] body) {
        return exchange(
                base,
                InetAddress.getLoopbackAddress(),
                "POST " + target + " HTTP/1.1\r\nHost: " + base.getAuthority()
                        + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
                        + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n",
                body);
    }

    /** Sends {@code head} verbatim and answers the response; for malformed or oversized requests. */
    public static Response raw(URI base, String head) {
        return exchange(base, InetAddress.getLoopbackAddress(), head, new byte[0]);
    }

    /**
     * Sends {@code partial} (the start of a request that never ends) and waits, without sending more, until the
     * server closes the connection.
     *
     * @return what the server sent before it closed, possibly nothing
     * @throws java.net.SocketTimeoutException (wrapped) if the server kept the connection open for 30 s
     */
    public static String sendAndStall(URI base, String partial) {
        try (Socket socket = connect(base, InetAddress.getLoopbackAddress())) {
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(readToEnd(socket.getInputStream()), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response exchange(URI base, InetAddress from, String head, byte[] body) {
        try (Socket socket = connect(base, from)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return parse(new String(readToEnd(socket.getInputStream()), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Socket connect(URI base, InetAddress from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), READ_TIMEOUT_MILLIS);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        return socket;
    }

    /** Reads until the server closes; a reset after the response counts as the end too. */
    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            if (received.size() == 0 && !reset.getMessage().contains("reset")) {
                throw reset;
            }
        }
        return received.toByteArray();
    }

    private static Response parse(String text) {
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
            throw new IllegalStateException("not an HTTP/1.1 response: " + text);
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        return new Response(status, headers, text.substring(headEnd + 4));
    }
}
