package dev.portico.oauth.client;

import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import net.minidev.json.JSONObject;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real RFC 7591 registration endpoint on loopback: records every request and answers with a reply built from the
 * request's client metadata. By default it registers a public client named {@code dcr-client-<n>}.
 */
final class RegistrationEndpoint implements AutoCloseable {

    /** What the endpoint answers. */
    record Reply(int status, String contentType, String body) {}

    /** One request as received. */
    record Recorded(String method, String contentType, String body) {
        JSONObject json() throws Exception {
            return JSONObjectUtils.parse(body);
        }
    }

    private final Server server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger registered = new AtomicInteger();
    private volatile Function<JSONObject, Reply> replies = this::publicClient;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    private RegistrationEndpoint() {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                requests.add(
                        new Recorded(request.getMethod(), request.getHeaders().get(HttpHeader.CONTENT_TYPE), body));
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
                Reply reply = replies.apply(JSONObjectUtils.parse(body));
                response.setStatus(reply.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
                Content.Sink.write(response, true, reply.body(), callback);
                return true;
            }
        });
    }

    static RegistrationEndpoint start() throws Exception {
        RegistrationEndpoint endpoint = new RegistrationEndpoint();
        endpoint.server.start();
        return endpoint;
    }

    String issuer() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    URI registrationUri() {
        return URI.create(issuer() + "/register");
    }

    List<Recorded> requests() {
        return List.copyOf(requests);
    }

    void replyWith(Function<JSONObject, Reply> replies) {
        this.replies = replies;
    }

    void replyWith(Reply reply) {
        this.replies = metadata -> reply;
    }

    /** Holds every reply until the latch opens, so that callers pile up behind one registration. */
    void holdRepliesUntil(CountDownLatch gate) {
        this.gate = gate;
    }

    /** RFC 7591 §3.2.1: the registered metadata plus a client_id; a public client gets no secret. */
    Reply publicClient(JSONObject metadata) {
        JSONObject body = new JSONObject(metadata);
        body.put("client_id", "dcr-client-" + registered.incrementAndGet());
        body.put("client_id_issued_at", 1_700_000_000L);
        return created(body);
    }

    /** A confidential registration whose secret expires at {@code expiresAt} (epoch seconds, 0 = never). */
    Reply confidentialClient(JSONObject metadata, String secret, long expiresAt) {
        JSONObject body = new JSONObject(metadata);
        body.put("client_id", "dcr-client-" + registered.incrementAndGet());
        body.put("client_secret", secret);
        body.put("client_secret_expires_at", expiresAt);
        return created(body);
    }

    private static Reply created(JSONObject body) {
        return new Reply(201, "application/json", body.toJSONString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
