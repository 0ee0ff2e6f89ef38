package dev.portico.oauth.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real Jetty server on 127.0.0.1 and a free port for tests: canned replies per path, every request recorded. Paths
 * without a reply answer 404. Shared by the http and discovery tests.
 */
public final class LoopbackServer implements AutoCloseable {

    /** A canned reply. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply json(String body) {
            return new Reply(200, Map.of("Content-Type", "application/json"), body);
        }

        public static Reply status(int status) {
            return new Reply(status, Map.of(), "");
        }
    }

    /** What the server received. */
    public record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** A handler for replies a canned one cannot give (slow, streamed). */
    @FunctionalInterface
    public interface Behaviour {
        void handle(Request request, Response response, Callback callback) throws Exception;
    }

    private final Server server = new Server();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final int port;

    private LoopbackServer() throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = request.getHttpURI().getPath();
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                requests.add(new Recorded(request.getMethod(), path, headersOf(request), body));
                Behaviour behaviour = behaviours.get(path);
                if (behaviour == null) {
                    send(response, callback, Reply.status(404));
                } else {
                    behaviour.handle(request, response, callback);
                }
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    public static LoopbackServer start() throws Exception {
        return new LoopbackServer();
    }

    /** Answers {@code path} with {@code reply} from now on. */
    public void reply(String path, Reply reply) {
        behaviours.put(path, (request, response, callback) -> send(response, callback, reply));
    }

    public void behave(String path, Behaviour behaviour) {
        behaviours.put(path, behaviour);
    }

    /** Waits until the server closes, for handlers that must outlast a client's timeout. */
    public void awaitClose() throws InterruptedException {
        closing.await();
    }

    public URI url(String path) {
        return URI.create(origin() + path);
    }

    /** {@code http://127.0.0.1:port}. */
    public String origin() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int count(String path) {
        return (int) requests.stream().filter(r -> r.path().equals(path)).count();
    }

    public List<Recorded> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Every path requested, in order. */
    public List<String> paths() {
        return requests.stream().map(Recorded::path).toList();
    }

    public static void send(Response response, Callback callback, Reply reply) {
        response.setStatus(reply.status());
        reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        Content.Sink.write(response, true, reply.body(), callback);
    }

    @Override
    public void close() throws Exception {
        closing.countDown();
        server.stop();
    }

    private static Map<String, List<String>> headersOf(Request request) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        return Collections.unmodifiableMap(headers);
    }
}
