package dev.portico.oauth.discovery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.portico.oauth.challenge.BearerChallenge;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpException;
import dev.portico.oauth.http.OutboundResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out how to get a token for an upstream: its protected resource metadata (RFC 9728), the authorization server
 * to use, and that server's metadata (RFC 8414 or OpenID Connect Discovery), checked.
 *
 * <p>The steps, following the MCP authorization specification (2025-11-25):
 *
 * <ol>
 *   <li>Protected resource metadata: from the challenge's {@code resource_metadata} when the upstream sent one,
 *       else from the well-known locations ({@link WellKnownUrls#protectedResourceCandidates}), where 404 and 410
 *       mean "try the next one". Its {@code resource} must cover the upstream's URL ({@link ResourceUris#covers}).
 *   <li>Authorization server: a configured (pinned) issuer wins; else the first of {@code authorization_servers}. A
 *       pinned issuer also makes missing protected resource metadata acceptable.
 *   <li>Its metadata, from {@link WellKnownUrls#authorizationServerCandidates} in order, where any 4xx means "try
 *       the next one" (as in the MCP TypeScript SDK: servers answer 405 or 400 for well-known paths they do not
 *       serve, mock-oauth2-server among them). The
 *       {@code issuer} must equal the one asked for, character for character (RFC 8414 §3.3, against mix-up
 *       attacks), and {@code code_challenge_methods_supported} must contain {@code S256}, because the broker always
 *       uses PKCE and a server that does not say it supports it may silently ignore it.
 * </ol>
 *
 * <p>Successful look-ups are cached for the configured time, protected resource metadata per location and
 * authorization server metadata per issuer; failures are not cached, so a fixed server is seen on the next attempt.
 * All fetches go through {@link OutboundHttp} and its address policy. Safe for concurrent use; two concurrent misses
 * may both fetch.
 */
public final class Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private static final long MAX_CACHED = 1_000;

    private final OutboundHttp http;
    /** Keyed by the locations looked at: the one {@code resource_metadata} URL, or the well-known candidates. */
    private final Cache<List<URI>, ProtectedResourceMetadata> resourceMetadata;

    private final boolean crossOriginResourceMetadata;
    /** The document text per issuer, re-read on each hit because Nimbus's metadata type is mutable. */
    private final Cache<URI, FetchedDocument> authorizationServers;

    private record FetchedDocument(URI url, String json) {}

    /** Which statuses of a candidate location mean "not published here, try the next one". */
    private enum Absent {
        /** An announced location must answer 200. */
        NEVER,
        /** RFC 9728 well-known locations: 404 Not Found and 410 Gone. */
        NOT_FOUND,
        /** Authorization server candidates: any client error. */
        ANY_CLIENT_ERROR;

        boolean means(int status) {
            switch (this) {
                case NOT_FOUND:
                    return status == 404 || status == 410;
                case ANY_CLIENT_ERROR:
                    return status >= 400 && status < 500;
                default:
                    return false;
            }
        }
    }

    /**
     * @param http the client for all fetches; not closed by this class
     * @param cacheTtl how long a successful look-up is reused; zero disables caching
     * @param clock the time source for the cache, so that tests can move time
     */
    public Discovery(OutboundHttp http, Duration cacheTtl, Clock clock) {
        this(http, cacheTtl, clock, false);
    }

    /**
     * @param crossOriginResourceMetadata whether a challenge's {@code resource_metadata} may name another origin than
     *     the upstream's ({@code security.allowCrossOriginResourceMetadata})
     */
    public Discovery(OutboundHttp http, Duration cacheTtl, Clock clock, boolean crossOriginResourceMetadata) {
        this.crossOriginResourceMetadata = crossOriginResourceMetadata;
        this.http = Objects.requireNonNull(http, "http");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(clock, "clock");
        if (cacheTtl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl must not be negative: " + cacheTtl);
        }
        Ticker ticker = () -> nanos(clock.instant());
        this.resourceMetadata = Caffeine.newBuilder()
                .expireAfterWrite(cacheTtl)
                .maximumSize(MAX_CACHED)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
        this.authorizationServers = Caffeine.newBuilder()
                .expireAfterWrite(cacheTtl)
                .maximumSize(MAX_CACHED)
                .ticker(ticker)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Discovers the authorization of {@code upstreamUrl}.
     *
     * @param upstreamUrl the URL the upstream MCP server is reached at
     * @param challenge the upstream's Bearer challenge, when it sent one; its {@code resource_metadata} is used
     * @param pinnedIssuer the authorization server configured for the upstream, which wins over the metadata's
     * @throws DiscoveryException naming the URL and rule that failed
     * @throws IllegalArgumentException if {@code upstreamUrl} or the pinned issuer is not an absolute http(s) URL
     */
    public DiscoveredAuthorization discover(
            URI upstreamUrl, Optional<BearerChallenge> challenge, Optional<URI> pinnedIssuer)
            throws DiscoveryException {
        Optional<ProtectedResourceMetadata> metadata =
                resourceMetadata(upstreamUrl, challenge.flatMap(BearerChallenge::resourceMetadata));
        URI issuer = chooseIssuer(upstreamUrl, metadata, pinnedIssuer);
        AuthorizationServerMetadata server = authorizationServer(issuer);
        URI resource = metadata.map(ProtectedResourceMetadata::resource)
                .orElseGet(() -> ResourceUris.canonicalResource(upstreamUrl));
        return new DiscoveredAuthorization(resource, metadata, server);
    }

    private static URI chooseIssuer(
            URI upstreamUrl, Optional<ProtectedResourceMetadata> metadata, Optional<URI> pinnedIssuer)
            throws DiscoveryException {
        if (pinnedIssuer.isPresent()) {
            return pinnedIssuer.get();
        }
        if (metadata.isEmpty()) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.PROTECTED_RESOURCE_METADATA,
                    "no protected resource metadata found for " + upstreamUrl + " at "
                            + WellKnownUrls.protectedResourceCandidates(upstreamUrl)
                            + ", and no authorization server is configured for it");
        }
        List<URI> servers = metadata.get().authorizationServers();
        if (servers.isEmpty()) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.NO_AUTHORIZATION_SERVER,
                    "the protected resource metadata at " + metadata.get().source()
                            + " lists no authorization_servers, and no authorization server is configured for "
                            + upstreamUrl);
        }
        return servers.get(0);
    }

    private Optional<ProtectedResourceMetadata> resourceMetadata(URI upstreamUrl, Optional<URI> announced)
            throws DiscoveryException {
        if (announced.isPresent()
                && !crossOriginResourceMetadata
                && !ResourceUris.origin(announced.get()).equals(ResourceUris.origin(upstreamUrl))) {
            // Otherwise any upstream could point Portico's fetches at any host it likes.
            throw new DiscoveryException(
                    DiscoveryException.Reason.RESOURCE_METADATA_ORIGIN,
                    "the upstream " + upstreamUrl + " announced its protected resource metadata at "
                            + announced.get() + ", on another origin; set security.allowCrossOriginResourceMetadata"
                            + " to true to allow that");
        }
        List<URI> locations =
                announced.map(List::of).orElseGet(() -> WellKnownUrls.protectedResourceCandidates(upstreamUrl));
        ProtectedResourceMetadata cached = resourceMetadata.getIfPresent(locations);
        if (cached != null) {
            requireCovers(cached, upstreamUrl);
            return Optional.of(cached);
        }
        Absent absent = announced.isPresent() ? Absent.NEVER : Absent.NOT_FOUND;
        for (URI location : locations) {
            Optional<String> json = fetch(
                    location,
                    absent,
                    DiscoveryException.Reason.PROTECTED_RESOURCE_METADATA,
                    "protected resource metadata");
            if (json.isPresent()) {
                ProtectedResourceMetadata metadata = ProtectedResourceMetadata.parse(json.get(), location);
                requireCovers(metadata, upstreamUrl);
                resourceMetadata.put(locations, metadata);
                return Optional.of(metadata);
            }
        }
        LOG.debug("no protected resource metadata for {} at {}", upstreamUrl, locations);
        return Optional.empty();
    }

    private static void requireCovers(ProtectedResourceMetadata metadata, URI upstreamUrl) throws DiscoveryException {
        if (!ResourceUris.covers(metadata.resource(), upstreamUrl)) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.RESOURCE_MISMATCH,
                    "the protected resource metadata at " + metadata.source() + " is for the resource "
                            + metadata.resource() + ", which does not cover the upstream URL " + upstreamUrl
                            + " (RFC 9728 §3.3: same origin, and the same path or a parent path)");
        }
    }

    /**
     * The checked metadata of the authorization server {@code issuer} (RFC 8414, else OpenID Connect Discovery),
     * cached like every look-up; for Portico's own identity provider, whose {@code jwks_uri} signs inbound tokens.
     *
     * @throws DiscoveryException naming the URL and rule that failed
     */
    public AuthorizationServerMetadata authorizationServer(URI issuer) throws DiscoveryException {
        FetchedDocument cached = authorizationServers.getIfPresent(issuer);
        if (cached != null) {
            return checkedMetadata(issuer, cached.url(), cached.json());
        }
        List<URI> candidates = WellKnownUrls.authorizationServerCandidates(issuer);
        for (URI candidate : candidates) {
            Optional<String> json = fetch(
                    candidate,
                    Absent.ANY_CLIENT_ERROR,
                    DiscoveryException.Reason.AUTHORIZATION_SERVER_METADATA,
                    "authorization server metadata");
            if (json.isPresent()) {
                FetchedDocument document = new FetchedDocument(candidate, json.get());
                AuthorizationServerMetadata metadata = checkedMetadata(issuer, candidate, json.get());
                authorizationServers.put(issuer, document);
                return metadata;
            }
        }
        throw new DiscoveryException(
                DiscoveryException.Reason.AUTHORIZATION_SERVER_METADATA,
                "no authorization server metadata for the issuer " + issuer + " at any of " + candidates);
    }

    /**
     * Reads and checks the authorization server metadata document {@code json}, fetched from {@code url}, for
     * {@code issuer}. Pure, so that it can be tested and fuzzed without a server.
     *
     * @throws DiscoveryException {@link DiscoveryException.Reason#METADATA_INVALID}, {@link
     *     DiscoveryException.Reason#ISSUER_MISMATCH} or {@link DiscoveryException.Reason#PKCE_UNSUPPORTED}
     */
    static AuthorizationServerMetadata checkedMetadata(URI issuer, URI url, String json) throws DiscoveryException {
        AuthorizationServerMetadata metadata;
        try {
            metadata = AuthorizationServerMetadata.parse(JSONObjectUtils.parse(json));
        } catch (ParseException | IllegalArgumentException e) {
            // Nimbus throws IllegalArgumentException, not ParseException, for some values, such as an empty issuer.
            throw new DiscoveryException(
                    DiscoveryException.Reason.METADATA_INVALID,
                    // Nimbus quotes the document, control characters included: shortened and cleaned like any
                    // server text before it reaches a log line or a page.
                    "the authorization server metadata at " + url + " is invalid: "
                            + OutboundResponse.excerpt(String.valueOf(e.getMessage())),
                    e);
        }
        String stated = metadata.getIssuer().getValue();
        if (!stated.equals(issuer.toString())) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.ISSUER_MISMATCH,
                    "the authorization server metadata at " + url + " names the issuer \""
                            + OutboundResponse.excerpt(stated) + "\", not \"" + issuer
                            + "\" (RFC 8414 §3.3 requires them to be identical)");
        }
        List<CodeChallengeMethod> methods = metadata.getCodeChallengeMethods();
        if (methods == null || !methods.contains(CodeChallengeMethod.S256)) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.PKCE_UNSUPPORTED,
                    "refusing: the authorization server " + issuer
                            + " does not list S256 in code_challenge_methods_supported (metadata at "
                            + url + "), and PKCE with S256 is required");
        }
        return metadata;
    }

    /**
     * The body of a 200 answer; empty when the status {@code absent} means the document is not there.
     *
     * @throws DiscoveryException {@code statusReason} for any other status, {@link DiscoveryException.Reason#UNREACHABLE}
     *     when the request was refused or failed
     */
    private Optional<String> fetch(URI url, Absent absent, DiscoveryException.Reason statusReason, String what)
            throws DiscoveryException {
        OutboundResponse response;
        try {
            response = http.get(url, Map.of());
        } catch (OutboundHttpException e) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.UNREACHABLE, "could not fetch " + what + ": " + e.getMessage(), e);
        }
        int status = response.status();
        if (status == 200) {
            return Optional.of(response.body());
        }
        if (absent.means(status)) {
            LOG.debug("no {} at {} ({})", what, url, status);
            return Optional.empty();
        }
        String detail = status >= 300 && status < 400
                ? " (a redirect"
                        + response.header("Location")
                                .map(l -> " to " + OutboundResponse.excerpt(l))
                                .orElse("") + ", which is not followed)"
                : "";
        throw new DiscoveryException(statusReason, "the " + what + " at " + url + " answered HTTP " + status + detail);
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
