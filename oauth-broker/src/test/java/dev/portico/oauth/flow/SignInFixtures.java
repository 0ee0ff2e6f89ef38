package dev.portico.oauth.flow;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.token.TokenEndpoint;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Sign-ins and targets for tests that need no real authorization server. */
public final class SignInFixtures {

    public static final URI RESOURCE = URI.create("https://mcp.example.com/mcp");
    public static final URI REDIRECT_URI = URI.create("https://portico.example.com/oauth/callback");
    public static final String ISSUER = "https://as.example.com";

    private SignInFixtures() {}

    public static TokenEndpoint endpoint() {
        return new TokenEndpoint(
                ISSUER,
                URI.create(ISSUER + "/token"),
                ClientIdentity.publicClient(new ClientID("portico-test"), ClientIdentity.Source.CONFIGURED));
    }

    public static SignInTarget target(List<String> scopes, boolean sendResource) {
        return new SignInTarget(
                "files",
                RESOURCE,
                sendResource,
                scopes,
                Set.copyOf(scopes),
                URI.create(ISSUER + "/authorize"),
                endpoint(),
                false);
    }

    public static PendingSignIn signIn(String owner, Instant now) {
        return PendingSignIn.start(
                owner, target(List.of("files.read"), true), REDIRECT_URI, now, Duration.ofMinutes(10));
    }
}
