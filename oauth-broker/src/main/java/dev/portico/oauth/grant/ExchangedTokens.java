package dev.portico.oauth.grant;

import dev.portico.config.Secret;
import dev.portico.config.TokenExchangeConfig;
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
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens for {@code auth.tokenExchange} upstreams (RFC 8693): a session's access token for its subject upstream,
 * exchanged at this upstream's authorization server for one of that server. Kept per session and upstream until
 * shortly before it expires ({@link HeldToken}) or until the upstream refuses it; one exchange per session and upstream
 * at a time.
 *
 * <p>Safe for concurrent use. {@link #forget} drops a session's tokens when it ends.
 */
public final class ExchangedTokens {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangedTokens.class);

    private record Key(String owner, String upstream, String issuer) {}

    private final TokenClient client;
    private final Clock clock;
    private final Duration margin;
    private final AuthAudit audit;
    private final ConcurrentHashMap<Key, HeldToken> held = new ConcurrentHashMap<>();
    private final SingleFlight<Key, TokenSet> exchanges = new SingleFlight<>();

    /** @param margin how long before expiry a token is replaced (see {@link HeldToken} for short-lived tokens) */
    public ExchangedTokens(TokenClient client, Clock clock, Duration margin, AuthAudit audit) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.margin = Objects.requireNonNull(margin, "margin");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** The owner's exchanged token for {@code upstream} at this issuer, while it is usable. No network. */
    public Optional<TokenSet> held(String owner, String upstream, String issuer) {
        HeldToken current = held.get(new Key(owner, upstream, issuer));
        return current != null && current.usableAt(clock.instant(), margin)
                ? Optional.of(current.tokens())
                : Optional.empty();
    }

    /**
     * Exchanges {@code subjectToken} for a token of {@code endpoint}'s issuer, unless another call of this owner just
     * did and its token is not {@code refused}.
     *
     * @param refused the token the upstream just answered 401 to, which must not be handed out again
     * @throws TokenRequestException when the authorization server refused the exchange or could not be asked
     */
    public TokenSet exchange(
            String owner,
            String upstream,
            TokenEndpoint endpoint,
            TokenExchangeConfig config,
            Secret subjectToken,
            Optional<URI> resource,
            Optional<Secret> refused)
            throws TokenRequestException {
        Key key = new Key(owner, upstream, endpoint.issuer());
        return exchanges.run(key, () -> {
            HeldToken current = held.get(key);
            if (current != null
                    && current.usableAt(clock.instant(), margin)
                    && refused.map(r -> !r.equals(current.tokens().accessToken()))
                            .orElse(true)) {
                return current.tokens();
            }
            TokenSet issued;
            try {
                issued = client.exchangeToken(endpoint, subjectToken, config.audience(), config.scopes(), resource);
            } catch (TokenRequestException e) {
                held.remove(key);
                LOG.info(
                        "token exchange refused upstream={} issuer={} owner={}: {}",
                        upstream,
                        endpoint.issuer(),
                        LogIds.owner(owner),
                        e.getMessage());
                audit.record(AuditRecord.failed(
                        AuditEvent.TOKEN_EXCHANGE,
                        upstream,
                        endpoint.issuer(),
                        owner,
                        e.errorCode().orElse(e.kind().name().toLowerCase(Locale.ROOT)),
                        "exchange of the token of " + config.subjectUpstream() + " failed"));
                throw e;
            }
            held.put(key, new HeldToken(issued, clock.instant()));
            LOG.info(
                    "token exchanged upstream={} issuer={} owner={} subject={}",
                    upstream,
                    endpoint.issuer(),
                    LogIds.owner(owner),
                    config.subjectUpstream());
            audit.record(AuditRecord.ok(AuditEvent.TOKEN_EXCHANGE, upstream, endpoint.issuer(), owner)
                    .withDetail("subject=" + config.subjectUpstream()));
            return issued;
        });
    }

    /** Drops the owner's exchanged tokens. */
    public void forget(String owner) {
        held.keySet().removeIf(key -> key.owner().equals(owner));
    }
}
