package dev.portico.store.postgres;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInTarget;
import dev.portico.oauth.token.TokenEndpoint;
import dev.portico.oauth.token.TokenSet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Sign-ins and token sets with every optional part present, so that a round trip shows what is lost. */
final class Fixtures {

    static final String ISSUER = "https://as.example.com";
    static final URI RESOURCE = URI.create("https://mcp.example.com/mcp");
    static final URI REDIRECT_URI = URI.create("https://portico.example.com/oauth/callback");
    static final String CLIENT_SECRET = "client-secret-" + UUID.randomUUID();

    private Fixtures() {}

    static SignInTarget confidentialTarget() {
        ClientIdentity client = new ClientIdentity(
                new ClientID("portico-dcr-client"),
                Optional.of(Secret.of(CLIENT_SECRET)),
                ClientAuthMethod.CLIENT_SECRET_BASIC,
                ClientIdentity.Source.DYNAMIC_REGISTRATION);
        return new SignInTarget(
                "files",
                RESOURCE,
                true,
                List.of("files.read", "files.write"),
                Set.of("files.read"),
                URI.create(ISSUER + "/authorize"),
                new TokenEndpoint(
                        ISSUER, URI.create(ISSUER + "/token"), client, Optional.of(URI.create(ISSUER + "/revoke"))),
                true);
    }

    static PendingSignIn signIn(String owner) {
        return signIn(owner, Duration.ofMinutes(10));
    }

    static PendingSignIn signIn(String owner, Duration timeToLive) {
        return PendingSignIn.start(owner, confidentialTarget(), REDIRECT_URI, Instant.now(), timeToLive);
    }

    static String owner() {
        return "session-" + UUID.randomUUID();
    }

    /** A set whose expiry PostgreSQL keeps exactly (microseconds). */
    static TokenSet tokens(Set<String> scopes, Optional<URI> resource) {
        return new TokenSet(
                Secret.of("access-" + UUID.randomUUID()),
                Optional.of(Secret.of("refresh-" + UUID.randomUUID())),
                Optional.of(Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS)),
                scopes,
                ISSUER,
                resource,
                "portico-dcr-client");
    }

    static TokenSet tokens() {
        return tokens(Set.of("files.read"), Optional.of(RESOURCE));
    }

    /** The same set under a new access token, as a refresh returns it. */
    static TokenSet refreshed(TokenSet old) {
        return new TokenSet(
                Secret.of("access-" + UUID.randomUUID()),
                Optional.of(Secret.of("refresh-" + UUID.randomUUID())),
                old.expiresAt().map(at -> at.plus(Duration.ofHours(1))),
                old.scopes(),
                old.issuer(),
                old.resource(),
                old.clientId());
    }
}
