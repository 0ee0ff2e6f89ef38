package dev.portico.aggregator;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * The identity provider of Portico's own users in inbound-auth tests: mock-oauth2-server on loopback, issuing the
 * access tokens MCP clients present to Portico.
 */
final class InboundIssuer implements AutoCloseable {

    static final String ISSUER_ID = "users";

    final MockOAuth2Server server = new MockOAuth2Server();

    InboundIssuer() {
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    String issuer() {
        return server.issuerUrl(ISSUER_ID).toString();
    }

    /** The client Portico signs browsers in with; mock-oauth2-server accepts any. */
    static final String LOGIN_CLIENT = "portico-login";

    /** The {@code server:} YAML that makes Portico require this issuer's tokens; {@code extra} goes under auth. */
    String serverYaml(String extra) {
        return "auth:\n  issuer: " + issuer() + "\n  clientId: " + LOGIN_CLIENT + "\n" + extra.indent(2);
    }

    /** The next browser that signs in to Portico here signs in as {@code subject}. */
    void nextLoginAs(String subject) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject));
    }

    /** A valid access token of {@code subject} for {@code portico}'s {@code /mcp}. */
    String tokenFor(Portico portico, String subject) {
        return server.issueToken(ISSUER_ID, subject, mcpUrl(portico)).serialize();
    }

    /** A valid access token of {@code subject} with {@code audience} in {@code aud}. */
    String tokenFor(String subject, String audience) {
        return server.issueToken(ISSUER_ID, subject, audience).serialize();
    }

    /** A token with extra claims and a lifetime of {@code expirySeconds} (negative: expired). */
    String tokenFor(Portico portico, String subject, Map<String, Object> claims, long expirySeconds) {
        return server.issueToken(ISSUER_ID, subject, mcpUrl(portico), claims, expirySeconds)
                .serialize();
    }

    static String mcpUrl(Portico portico) {
        return portico.baseUri() + "/mcp";
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
