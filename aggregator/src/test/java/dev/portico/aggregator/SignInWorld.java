package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.leaks.WitnessedSecrets;
import dev.portico.aggregator.storage.BrokerState;
import dev.portico.aggregator.testing.BrokerOnLoopback;
import dev.portico.aggregator.testing.Browser;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.config.UpstreamConfig;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A real identity provider, protected upstreams that trust it, and a Portico in front of them, all on loopback;
 * closed in reverse order of starting.
 */
final class SignInWorld implements AutoCloseable {

    /** How long a sign-in may take to reconnect an upstream on a loaded machine. */
    static final Duration SIGN_IN_SETTLES = Duration.ofSeconds(20);

    final DemoIdentityProvider idp;
    final List<ProtectedDemoUpstream> upstreams = new ArrayList<>();
    Portico portico;
    private PorticoConfig lastConfig;
    private Supplier<BrokerState> sharedState;
    private String topLevelYaml = "";
    private String serverYaml = "";
    private Clock porticoClock = Clock.systemUTC();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<DemoIdentityProvider> idps = new ArrayList<>();
    private final List<Portico> porticos = new ArrayList<>();

    SignInWorld(Consumer<DemoIdentityProvider.Builder> idpOptions) {
        DemoIdentityProvider.Builder builder = DemoIdentityProvider.builder();
        idpOptions.accept(builder);
        idp = builder.build().start();
        closeables.add(idp);
        idps.add(idp);
    }

    ProtectedDemoUpstream upstream(String name, Consumer<ProtectedDemoUpstream.Builder> options) {
        ProtectedDemoUpstream.Builder builder = ProtectedDemoUpstream.builder(name, idp);
        options.accept(builder);
        ProtectedDemoUpstream upstream = builder.build().start();
        upstreams.add(upstream);
        closeables.add(upstream);
        return upstream;
    }

    /**
     * Starts Portico with every upstream started so far.
     *
     * @param authSection YAML for each upstream's {@code auth:} mapping, by upstream name; indented by the caller
     *     under {@code auth:} (may be empty)
     * @param oauthSection extra YAML under {@code oauth:}
     */
    Portico startPortico(Map<String, String> authSection, String oauthSection) throws Exception {
        StringBuilder yaml =
                new StringBuilder("""
                server:
                  port: 0
                """);
        yaml.append(serverYaml.indent(2));
        yaml.append(
                """
                security:
                  allowedPrivateNetworks: [127.0.0.0/8]
                """);
        if (!oauthSection.isBlank()) {
            yaml.append("oauth:\n").append(oauthSection.indent(2));
        }
        yaml.append("upstreams:\n");
        for (ProtectedDemoUpstream upstream : upstreams) {
            yaml.append("  - name: ").append(upstream.name()).append('\n');
            yaml.append("    transport: streamable-http\n");
            yaml.append("    url: ").append(upstream.mcpUrl()).append('\n');
            yaml.append("    timeout: 10s\n");
            yaml.append("    reconnect: {initialDelay: 100ms, maxDelay: 500ms}\n");
            String auth = authSection.get(upstream.name());
            if (auth != null) {
                yaml.append("    auth:\n").append(auth.indent(6));
            }
        }
        yaml.append(topLevelYaml);
        lastConfig = new ConfigLoader(name -> null).parse(yaml.toString(), "sign-in test");
        witnessSecretsOf(lastConfig);
        portico = start(lastConfig);
        return portico;
    }

    /**
     * Another Portico with the configuration of the last {@link #startPortico}: a second replica behind the same
     * load balancer, sharing state with the first only through {@link #sharedState} or the configured storage.
     */
    Portico startReplica() throws Exception {
        return start(lastConfig);
    }

    private Portico start(PorticoConfig config) throws Exception {
        Portico started = sharedState == null
                ? Portico.startHttp(config, porticoClock)
                : Portico.startHttp(config, porticoClock, sharedState.get());
        closeables.add(started);
        porticos.add(started);
        return started;
    }

    /** Tells the leak check about the secrets Portico was configured with. */
    private static void witnessSecretsOf(PorticoConfig config) {
        for (UpstreamConfig upstream : config.upstreams()) {
            upstream.auth()
                    .flatMap(UpstreamAuthConfig::clientSecret)
                    .ifPresent(secret -> WitnessedSecrets.secret("client_secret", secret.reveal()));
        }
        config.storage()
                .password()
                .ifPresent(password -> WitnessedSecrets.secret("database_password", password.reveal()));
        config.storage().encryptionKey().ifPresent(key -> WitnessedSecrets.secret("encryption_key", key.reveal()));
        config.storage()
                .previousEncryptionKeys()
                .forEach(key -> WitnessedSecrets.secret("encryption_key", key.reveal()));
    }

    /** Tells the leak check about the downstream sessions of every Portico, which logs must show only the head of. */
    private void witnessSessions() {
        porticos.forEach(started -> started.gateway()
                .sessions()
                .forEach(session ->
                        WitnessedSecrets.sessionId(session.downstream().id())));
    }

    /** Porticos started from now on keep the broker's state in what {@code state} supplies (one per Portico). */
    SignInWorld sharedState(Supplier<BrokerState> state) {
        this.sharedState = state;
        return this;
    }

    /** Top-level YAML added to the configuration of Porticos started from now on, e.g. a {@code storage:} section. */
    SignInWorld porticoYaml(String yaml) {
        this.topLevelYaml = yaml.endsWith("\n") ? yaml : yaml + "\n";
        return this;
    }

    /** YAML added under {@code server:} of Porticos started from now on, e.g. an {@code auth:} section. */
    SignInWorld serverYaml(String yaml) {
        this.serverYaml = yaml;
        return this;
    }

    Portico startPortico() throws Exception {
        return startPortico(Map.of(), "");
    }

    /** A client session, recording the tools/list_changed notifications it receives. */
    Session session() {
        return session(portico);
    }

    /** A client session with {@code target}, for worlds with several Porticos. */
    Session session(Portico target) {
        return connect(Clients.streamable(target.baseUri()));
    }

    /** A client session that presents {@code bearerToken} to Portico with every request. */
    Session session(Portico target, String bearerToken) {
        return connect(Clients.streamable(target.baseUri(), bearerToken));
    }

    private Session connect(McpClientTransport transport) {
        List<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
        McpSyncClient client = Clients.connect(transport, spec -> spec.toolsChangeConsumer(changes::add));
        Session session = new Session(client, changes);
        witnessSessions();
        closeables.add(client::closeGracefully);
        return session;
    }

    @Override
    public void close() {
        witnessSessions();
        idps.forEach(provider -> WitnessedSecrets.secrets(provider.secretsSeen()));
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // Keep closing the rest: one failure must not leak servers into the next test.
            }
        }
    }

    record Session(McpSyncClient client, List<List<McpSchema.Tool>> toolChanges) {

        McpSchema.CallToolResult call(String tool) {
            return client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
        }

        List<String> toolNames() {
            return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        }

        /**
         * Signs this session in to {@code upstream} the way a user would: a call to its {@code whoami} tool answers
         * with a link (whether the upstream refused the connection or only the call), a browser follows it, and the
         * upstream's tools are back once Portico reconnected.
         */
        Session signedInTo(String upstream) {
            Browser.Page page = signIn(new Browser(), call(upstream + "__whoami"));
            assertThat(page.status()).as("sign-in page: %s", page.body()).isEqualTo(200);
            await().atMost(SIGN_IN_SETTLES).until(() -> toolNames().contains(upstream + "__whoami"));
            return this;
        }
    }

    /** The {@code auth_url} of an {@code auth_required} result; fails if the result is another one. */
    @SuppressWarnings("unchecked")
    static URI authUrl(McpSchema.CallToolResult result) {
        Object structured = result.structuredContent();
        if (!(structured instanceof Map) || !"auth_required".equals(((Map<String, Object>) structured).get("status"))) {
            throw new AssertionError("expected an auth_required result, got " + result);
        }
        return URI.create((String) ((Map<String, Object>) structured).get("auth_url"));
    }

    /** Signs in the way a user would: open the link in a browser, which follows the redirects to the callback. */
    static Browser.Page signIn(Browser browser, McpSchema.CallToolResult challenge) {
        return browser.open(authUrl(challenge));
    }

    /** Another identity provider beside {@link #idp}, for upstreams of a second issuer; closed with the world. */
    DemoIdentityProvider otherIdp(Consumer<DemoIdentityProvider.Builder> options) {
        DemoIdentityProvider.Builder builder = DemoIdentityProvider.builder();
        options.accept(builder);
        DemoIdentityProvider other = builder.build().start();
        closeables.add(other);
        idps.add(other);
        return other;
    }

    /** An upstream that trusts {@code issuer}'s tokens rather than {@link #idp}'s. */
    ProtectedDemoUpstream upstream(
            String name, DemoIdentityProvider issuer, Consumer<ProtectedDemoUpstream.Builder> options) {
        ProtectedDemoUpstream.Builder builder = ProtectedDemoUpstream.builder(name, issuer);
        options.accept(builder);
        ProtectedDemoUpstream upstream = builder.build().start();
        upstreams.add(upstream);
        closeables.add(upstream);
        return upstream;
    }

    /**
     * Portico's OAuth broker alone on loopback, closed with the world: for broker API that Portico does not expose
     * to MCP clients. Start the identity provider with dynamic registration on (the default): the broker serves no
     * Client ID Metadata Document.
     */
    BrokerOnLoopback startBroker() throws Exception {
        BrokerOnLoopback broker = new BrokerOnLoopback();
        closeables.add(broker);
        return broker;
    }

    /** Portico, once started, expires tokens and sign-ins by {@code clock}; call before {@link #startPortico}. */
    SignInWorld porticoClock(Clock clock) {
        this.porticoClock = clock;
        return this;
    }
}
