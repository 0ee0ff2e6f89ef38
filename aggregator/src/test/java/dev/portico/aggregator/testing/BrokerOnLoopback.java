package dev.portico.aggregator.testing;

import dev.portico.config.OAuthConfig;
import dev.portico.oauth.BrokerSettings;
import dev.portico.oauth.OAuthBroker;
import dev.portico.oauth.callback.SignInEndpoints;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.token.InMemoryTokenStore;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Portico's OAuth broker alone, with its start link and callback served on 127.0.0.1, for tests of broker API that
 * Portico does not expose to MCP clients. Its token store is the test's to inspect. Serves no Client ID Metadata
 * Document: pair it with an identity provider that registers clients dynamically.
 */
public final class BrokerOnLoopback implements AutoCloseable {

    private final Server jetty = new Server();
    private final InMemoryTokenStore tokens = new InMemoryTokenStore();
    private final OAuthBroker broker;
    private final URI baseUri;

    public BrokerOnLoopback() throws Exception {
        this(settings -> settings);
    }

    /**
     * A broker whose settings {@code customize} changes, for example to keep its state in a database; unless it
     * replaces the token store, {@link #tokens()} is the broker's.
     */
    public BrokerOnLoopback(UnaryOperator<BrokerSettings> customize) throws Exception {
        AtomicReference<URI> publicUrl = new AtomicReference<>();
        broker = OAuthBroker.create(customize.apply(BrokerSettings.of(
                        OAuthConfig.defaults(),
                        publicUrl::get,
                        OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8")))
                .withTokenStore(tokens)));
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(broker.startServlet()), SignInEndpoints.START_PATH + "*");
        context.addServlet(
                new ServletHolder(broker.callbackServlet()),
                OAuthConfig.defaults().callbackPath());
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        baseUri = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        publicUrl.set(baseUri);
    }

    public OAuthBroker broker() {
        return broker;
    }

    /** The broker's tokens, to look at what it holds. */
    public InMemoryTokenStore tokens() {
        return tokens;
    }

    public URI baseUri() {
        return baseUri;
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            broker.close();
        }
    }
}
