package dev.portico.oauth.grant;

import dev.portico.config.Secret;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenClient;
import dev.portico.oauth.token.TokenEndpoint;
import dev.portico.oauth.token.TokenRequestException;
import dev.portico.oauth.token.TokenSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portico's own tokens for {@code grant: client_credentials} upstreams (RFC 6749 §4.4): one per upstream, shared by
 * every session, because it is Portico's identity and not a user's. Fetched when first needed, kept until shortly
 * before it expires ({@link HeldToken}), fetched again when the upstream refuses it; one request per upstream at a
 * time.
 *
 * <p>Safe for concurrent use. Held in memory only: after a restart the first call fetches again.
 */
public final class ClientCredentialsTokens {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokens.class);

    /** What a token must match to serve an upstream: a changed issuer, client or resource needs a new one. */
    private record Key(String upstream, String issuer, String clientId, Optional<URI> resource, List<String> scopes) {}

    private final TokenClient client;
    private final Clock clock;
    private final Duration margin;
    private final AuthAudit audit;
    private final ConcurrentHashMap<Key, HeldToken> held = new ConcurrentHashMap<>();
    private final SingleFlight<Key, TokenSet> requests = new SingleFlight<>();

    /**
     * @param margin how long before expiry a token is replaced (see {@link HeldToken} for short-lived tokens)
     */
    public ClientCredentialsTokens(TokenClient client, Clock clock, Duration margin, AuthAudit audit) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.margin = Objects.requireNonNull(margin, "margin");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * The held token for {@code upstream} while it is usable, else a new one. May block on a token request.
     *
     * @param owner the session whose call needs the token, for the audit line only
     * @throws TokenRequestException when the token endpoint refused or could not be asked
     */
    public TokenSet token(
            String owner, String upstream, TokenEndpoint endpoint, List<String> scopes, Optional<URI> resource)
            throws TokenRequestException {
        Key key = new Key(upstream, endpoint.issuer(), endpoint.clientId(), resource, List.copyOf(scopes));
        HeldToken current = held.get(key);
        if (current != null && current.usableAt(clock.instant(), margin)) {
            return current.tokens();
        }
        return fetch(owner, key, endpoint, Optional.empty());
    }

    /**
     * A token other than {@code refused}, which the upstream just answered 401 to: the held one if another call
     * already replaced it, else a new one.
     */
    public TokenSet replace(
            String owner,
            String upstream,
            TokenEndpoint endpoint,
            List<String> scopes,
            Optional<URI> resource,
            Secret refused)
            throws TokenRequestException {
        Key key = new Key(upstream, endpoint.issuer(), endpoint.clientId(), resource, List.copyOf(scopes));
        return fetch(owner, key, endpoint, Optional.of(refused));
    }

    private TokenSet fetch(String owner, Key key, TokenEndpoint endpoint, Optional<Secret> refused)
            throws TokenRequestException {
        return requests.run(key, () -> {
            // A caller that waited for the previous request finds its result here.
            HeldToken current = held.get(key);
            if (current != null
                    && current.usableAt(clock.instant(), margin)
                    && refused.map(r -> !r.equals(current.tokens().accessToken()))
                            .orElse(true)) {
                return current.tokens();
            }
            TokenSet issued;
            try {
                issued = client.clientCredentials(endpoint, key.scopes(), key.resource());
            } catch (TokenRequestException e) {
                held.remove(key);
                LOG.info(
                        "client credentials token refused upstream={} issuer={} owner={}: {}",
                        key.upstream(),
                        key.issuer(),
                        LogIds.owner(owner),
                        e.getMessage());
                audit.record(AuditRecord.failed(
                        AuditEvent.CLIENT_CREDENTIALS,
                        key.upstream(),
                        key.issuer(),
                        owner,
                        e.errorCode().orElse(e.kind().name().toLowerCase(Locale.ROOT)),
                        "client credentials grant failed"));
                throw e;
            }
            held.put(key, new HeldToken(issued, clock.instant()));
            LOG.info(
                    "client credentials token obtained upstream={} issuer={} client={} reason={}",
                    key.upstream(),
                    key.issuer(),
                    key.clientId(),
                    refused.isPresent() ? "refused by upstream" : current == null ? "first use" : "expiring");
            audit.record(AuditRecord.ok(AuditEvent.CLIENT_CREDENTIALS, key.upstream(), key.issuer(), owner));
            return issued;
        });
    }
}
