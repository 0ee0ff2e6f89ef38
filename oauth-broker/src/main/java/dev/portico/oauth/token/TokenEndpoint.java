package dev.portico.oauth.token;

import dev.portico.oauth.client.ClientIdentity;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorization server's token endpoint and who Portico is there: everything a token request needs besides the
 * grant.
 *
 * @param issuer the authorization server's issuer identifier (RFC 8414 §2), which keys the tokens it issues
 * @param uri the {@code token_endpoint} from its metadata
 * @param client Portico's client identity at this server
 * @param revocationUri the {@code revocation_endpoint} from its metadata (RFC 7009, RFC 8414 §2), where signing out
 *     revokes the tokens; the client authenticates there as at the token endpoint (RFC 7009 §2.1)
 */
public record TokenEndpoint(String issuer, URI uri, ClientIdentity client, Optional<URI> revocationUri) {

    public TokenEndpoint {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(revocationUri, "revocationUri");
    }

    /** A token endpoint of a server without a revocation endpoint. */
    public TokenEndpoint(String issuer, URI uri, ClientIdentity client) {
        this(issuer, uri, client, Optional.empty());
    }

    /** The {@code client_id} as a string, to compare with the one a token set was issued to. */
    public String clientId() {
        return client.clientId().getValue();
    }
}
