package dev.portico.oauth.token;

import dev.portico.oauth.client.ClientIdentity;
import java.net.URI;
import java.util.Objects;

/**
 * An authorization server's token endpoint and who Portico is there: everything a token request needs besides the
 * grant.
 *
 * @param issuer the authorization server's issuer identifier (RFC 8414 §2), which keys the tokens it issues
 * @param uri the {@code token_endpoint} from its metadata
 * @param client Portico's client identity at this server
 */
public record TokenEndpoint(String issuer, URI uri, ClientIdentity client) {

    public TokenEndpoint {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(client, "client");
    }

    /** The {@code client_id} as a string, to compare with the one a token set was issued to. */
    public String clientId() {
        return client.clientId().getValue();
    }
}
