package dev.portico.oauth.token;

import dev.portico.config.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** Token sets for tests. */
final class TokenFixtures {

    static final String ISSUER = "https://as.example.com";
    static final URI FILES = URI.create("https://files.example.com/mcp");
    static final URI MAIL = URI.create("https://mail.example.com/mcp");

    private TokenFixtures() {}

    static TokenSet tokens(String access, Set<String> scopes, Optional<URI> resource) {
        return new TokenSet(
                Secret.of(access),
                Optional.of(Secret.of("refresh-" + access)),
                Optional.of(Instant.parse("2030-01-01T00:00:00Z")),
                scopes,
                ISSUER,
                resource,
                "portico-test");
    }
}
