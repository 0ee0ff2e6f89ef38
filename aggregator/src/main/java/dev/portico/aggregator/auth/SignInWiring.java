package dev.portico.aggregator.auth;

import dev.portico.aggregator.metrics.PorticoMetrics;
import dev.portico.aggregator.storage.BrokerState;
import dev.portico.cimd.ClientMetadataDocument;
import dev.portico.cimd.ClientMetadataServlet;
import dev.portico.config.PorticoConfig;
import dev.portico.oauth.BrokerSettings;
import dev.portico.oauth.OAuthBroker;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.inbound.BrowserLogin;
import dev.portico.oauth.inbound.InboundAuthentication;
import dev.portico.oauth.storage.EvictionListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The OAuth broker of one Portico and the HTTP endpoints it needs: the start link, the callback and, unless the
 * document is hosted elsewhere, the Client ID Metadata Document.
 */
public final class SignInWiring implements AutoCloseable {

    /** Where start links live: {@code publicUrl + START_PATH + <opaque id>}. */
    public static final String START_PATH = "/oauth/start/";

    private final PorticoConfig config;
    private final Supplier<URI> publicBaseUrl;
    private final OAuthBroker broker;
    private final BrokerState state;

    /**
     * @param publicBaseUrl Portico's public URL: {@code server.publicUrl}, or the listener's address once it is bound
     */
    public SignInWiring(PorticoConfig config, Supplier<URI> publicBaseUrl) {
        this(config, publicBaseUrl, Clock.systemUTC());
    }

    /** @param clock the time source for token and sign-in expiry; tests move it instead of waiting */
    public SignInWiring(PorticoConfig config, Supplier<URI> publicBaseUrl, Clock clock) {
        this(config, publicBaseUrl, clock, BrokerState.inProcess());
    }

    /** @param state where the broker keeps sign-ins, tokens and registrations; closed with this wiring */
    public SignInWiring(PorticoConfig config, Supplier<URI> publicBaseUrl, Clock clock, BrokerState state) {
        this(config, publicBaseUrl, clock, state, EvictionListener.NONE);
    }

    /**
     * @param evictions told when the broker's in-memory stores drop entries to keep to {@code limits}' caps (a
     *     PostgreSQL {@code state} was given its own)
     */
    public SignInWiring(
            PorticoConfig config,
            Supplier<URI> publicBaseUrl,
            Clock clock,
            BrokerState state,
            EvictionListener evictions) {
        this.config = config;
        this.publicBaseUrl = publicBaseUrl;
        this.state = state;
        this.broker = OAuthBroker.create(state.applyTo(
                BrokerSettings.of(config.oauth(), publicBaseUrl, OutboundHttpSettings.from(config.security()))
                        .withClock(clock)
                        .withLimits(config.limits(), evictions)));
    }

    public SignInBroker signInBroker() {
        return new OAuthSignInBroker(broker);
    }

    /** Lets {@code metrics} count the broker's authentication events and the entries of its stores. */
    public void reportTo(PorticoMetrics metrics) {
        broker.addAuditListener(metrics);
        metrics.countStores(broker.entryCounts());
    }

    /** Path spec → servlet, to mount on the HTTP listener. */
    public Map<String, HttpServlet> servlets() {
        return servlets(Optional.empty());
    }

    /**
     * The servlets with inbound authentication's start-link check: the start link first makes sure the browser is
     * signed in to Portico as the user the sign-in is for, and the callback also finishes those browser sign-ins.
     */
    public Map<String, HttpServlet> servlets(Optional<BrowserLogin> login) {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put(
                START_PATH + "*", login.<HttpServlet>map(broker::startServlet).orElseGet(broker::startServlet));
        servlets.put(
                config.oauth().callbackPath(),
                login.map(l -> l.callbackServlet(broker.callbackServlet())).orElseGet(broker::callbackServlet));
        if (config.oauth().clientMetadataUrl().isEmpty()) {
            servlets.put(config.oauth().cimdPath(), new DeferredDocumentServlet());
        }
        return servlets;
    }

    /** The start-link check of {@code inbound}, with this broker's client identity and endpoints. */
    public BrowserLogin browserLogin(InboundAuthentication inbound) {
        return inbound.browserLogin(
                broker.client(), broker.endpoints(), config.oauth().stateTtl());
    }

    /**
     * Checks what can be checked only once the public URL is known: a Client ID Metadata Document hosted elsewhere
     * must name Portico's callback.
     *
     * @throws dev.portico.config.ConfigException if it contradicts the config
     */
    public void verify() {
        config.oauth()
                .clientMetadataUrl()
                .ifPresent(url -> HostedClientMetadataCheck.verify(
                        config,
                        url,
                        URI.create(publicBaseUrl.get() + config.oauth().callbackPath())));
    }

    @Override
    public void close() {
        broker.close();
        state.close();
    }

    /**
     * The document names the public URL, which, without {@code server.publicUrl} and on port 0, is known only once
     * the listener is bound; so it is built at the first request.
     */
    private final class DeferredDocumentServlet extends HttpServlet {

        private volatile ClientMetadataServlet served;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            ClientMetadataServlet servlet = served;
            if (servlet == null) {
                servlet = new ClientMetadataServlet(ClientMetadataDocument.from(config.oauth(), publicBaseUrl.get()));
                servlet.init(getServletConfig());
                served = servlet;
            }
            servlet.service(request, response);
        }
    }
}
