package dev.portico.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads {@code upstreams[].auth}: how users sign in to one HTTP upstream.
 *
 * <p>The client secret is read like any other value but never quoted back: every problem about it says what is
 * wrong without showing it, since config errors end up in terminals, CI logs and bug reports.
 */
final class UpstreamAuthReader {

    static final List<String> KEYS = List.of(
            "scopes",
            "authorizationServer",
            "clientId",
            "clientSecret",
            "tokenEndpointAuthMethod",
            "sendResource",
            "grant",
            "tokenExchange");
    static final List<String> TOKEN_EXCHANGE_KEYS = List.of("subjectUpstream", "audience", "scopes");

    private static final String GRANTS =
            Arrays.stream(AuthGrant.values()).map(AuthGrant::configName).collect(Collectors.joining(", "));

    private static final String METHODS = Arrays.stream(ClientAuthMethod.values())
            .map(ClientAuthMethod::configName)
            .collect(Collectors.joining(", "));

    private final MappingReader auth;
    private final Problems problems;

    private UpstreamAuthReader(MappingReader auth, Problems problems) {
        this.auth = auth;
        this.problems = problems;
    }

    /**
     * The {@code auth} section of {@code upstream}: empty when it is absent or has problems (reported, so the caller
     * sees {@link Problems#count()} grow). An empty mapping means {@link UpstreamAuthConfig#discovered()}.
     */
    static Optional<UpstreamAuthConfig> read(MappingReader upstream, Problems problems) {
        return upstream.mapping("auth", "auth: {scopes: [repo], clientId: portico}")
                .flatMap(auth -> new UpstreamAuthReader(auth, problems).read());
    }

    private Optional<UpstreamAuthConfig> read() {
        int before = problems.count();
        auth.allowOnly(KEYS);
        List<String> scopes = scopes(auth, problems);
        Optional<URI> authorizationServer = issuer(auth, "authorizationServer");
        Optional<String> clientId = clientId(auth);
        Optional<Secret> clientSecret = clientSecret(auth);
        Optional<ClientAuthMethod> method = method();
        boolean sendResource = auth.bool("sendResource").orElse(true);
        checkClientCombination(method);
        Optional<AuthGrant> grant = grant();
        Optional<TokenExchangeConfig> tokenExchange = tokenExchange();
        grant.ifPresent(g -> checkMachineClient(g, tokenExchange.isPresent() || auth.has("tokenExchange")));
        if (problems.count() != before) {
            return Optional.empty();
        }
        ClientAuthMethod effectiveMethod =
                method.orElse(clientSecret.isPresent() ? ClientAuthMethod.CLIENT_SECRET_BASIC : ClientAuthMethod.NONE);
        return Optional.of(new UpstreamAuthConfig(
                scopes,
                authorizationServer,
                clientId,
                clientSecret,
                effectiveMethod,
                sendResource,
                grant.orElseThrow(),
                tokenExchange));
    }

    /**
     * Where {@code auth.tokenExchange.subjectUpstream} of a valid upstream entry is, for the checks across upstreams;
     * empty when the entry has none.
     */
    static Optional<Position> subjectUpstreamPosition(MappingReader upstream) {
        return upstream.mapping("auth", "")
                .filter(auth -> auth.has("tokenExchange"))
                .map(auth -> auth.nestedValuePosition("tokenExchange", "subjectUpstream"));
    }

    private Optional<AuthGrant> grant() {
        Optional<String> text = auth.string("grant", "grant: client_credentials");
        if (text.isEmpty()) {
            return auth.has("grant") ? Optional.empty() : Optional.of(AuthGrant.AUTHORIZATION_CODE);
        }
        Optional<AuthGrant> grant = AuthGrant.fromConfigName(text.get());
        if (grant.isEmpty()) {
            auth.problem("grant", "unknown grant \"" + text.get() + "\"", "use one of: " + GRANTS);
        }
        return grant;
    }

    private Optional<TokenExchangeConfig> tokenExchange() {
        Optional<MappingReader> exchange = auth.mapping("tokenExchange", "tokenExchange: {subjectUpstream: calendar}");
        if (exchange.isEmpty()) {
            return Optional.empty();
        }
        MappingReader mapping = exchange.get();
        int before = problems.count();
        mapping.allowOnly(TOKEN_EXCHANGE_KEYS);
        Optional<String> subject = mapping.string("subjectUpstream", "subjectUpstream: calendar");
        if (subject.isEmpty() && !mapping.has("subjectUpstream")) {
            problems.add(
                    mapping.missingPosition("subjectUpstream"),
                    mapping.pathOf("subjectUpstream"),
                    "tokenExchange needs subjectUpstream",
                    "name the upstream whose sign-in provides the token to exchange, e.g. subjectUpstream: calendar");
        }
        Optional<String> audience = mapping.string("audience", "audience: https://reports.example.com");
        List<String> scopes = scopes(mapping, problems);
        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new TokenExchangeConfig(subject.orElseThrow(), audience, scopes));
    }

    /**
     * A machine grant authenticates Portico itself at the token endpoint, so it needs a client registered there with a
     * secret; and the two machine grants are alternatives. Reported once per missing key.
     */
    private void checkMachineClient(AuthGrant grant, boolean exchanges) {
        boolean clientCredentials = grant == AuthGrant.CLIENT_CREDENTIALS;
        if (clientCredentials && exchanges) {
            auth.problemAtKey(
                    "tokenExchange",
                    "tokenExchange cannot be combined with grant client_credentials",
                    "remove grant (token exchange acts for the signed-in user) or remove tokenExchange");
            return;
        }
        if (!clientCredentials && !exchanges) {
            return;
        }
        String what = clientCredentials ? "grant client_credentials" : "tokenExchange";
        String where = clientCredentials ? "grant" : "tokenExchange";
        if (!auth.has("clientId")) {
            auth.problemAtKey(
                    where,
                    what + " needs auth.clientId: Portico authenticates as its own client at the token endpoint",
                    "add clientId and clientSecret of the client registered for Portico at the authorization server");
        } else if (!auth.has("clientSecret")) {
            auth.problemAtKey(
                    where,
                    what + " needs auth.clientSecret: a machine grant is only for a confidential client",
                    "add clientSecret (e.g. clientSecret: \"${CLIENT_SECRET}\" with CLIENT_SECRET in the environment)");
        }
    }

    /** The list of scopes under {@code scopes}, each checked against RFC 6749 §3.3; also read for {@code server.auth}. */
    static List<String> scopes(MappingReader auth, Problems problems) {
        return scopes(auth, "scopes", problems);
    }

    static List<String> scopes(MappingReader auth, String key, Problems problems) {
        Optional<List<MappingReader.Item>> items = auth.stringItems(key, key + ": [repo, \"read:org\"]");
        if (items.isEmpty()) {
            return List.of();
        }
        for (MappingReader.Item item : items.get()) {
            String problem = scopeProblem(item.text());
            if (!problem.isEmpty()) {
                problems.add(
                        item.position(),
                        item.path(),
                        "scope \"" + item.text() + "\" " + problem,
                        "write each scope as its own list item, e.g. " + key + ": [repo, \"read:org\"]");
            }
        }
        return items.get().stream().map(MappingReader.Item::text).toList();
    }

    /** RFC 6749 §3.3: a scope token is one or more printable ASCII characters other than space, '"' and '\'. */
    private static String scopeProblem(String scope) {
        if (scope.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c == ' ') {
                return "contains a space; a scope list is a list, not a space-separated string";
            }
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return "contains a character that RFC 6749 §3.3 does not allow in a scope";
            }
        }
        return "";
    }

    /**
     * An authorization server's issuer under {@code key}: an absolute https URL without query or fragment (http only
     * for loopback hosts, for development). Also read for {@code server.auth.issuer}.
     */
    static Optional<URI> issuer(MappingReader auth, String key) {
        Optional<String> text = auth.string(key, key + ": https://idp.example.com");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Urls.Result url = Urls.parseHttp(text.get(), false);
        if (url.uri().isEmpty()) {
            auth.problem(
                    key,
                    key + " \"" + text.get() + "\" " + url.problem(),
                    "use the authorization server's issuer: an absolute http(s) URL without query or fragment, e.g."
                            + " https://idp.example.com");
            return Optional.empty();
        }
        URI issuer = url.uri().get();
        if (!Urls.isHttps(issuer) && !Urls.isLoopback(issuer)) {
            // Portico fetches metadata and tokens over https only; plain http would fail at the first sign-in.
            auth.problem(
                    key,
                    key + " \"" + text.get() + "\" uses http, which Portico accepts only for the" + " loopback hosts "
                            + Urls.LOOPBACK_HOSTS,
                    "use the authorization server's https issuer URL, e.g. https://idp.example.com");
            return Optional.empty();
        }
        return url.uri();
    }

    static Optional<String> clientId(MappingReader auth) {
        Optional<String> clientId = auth.string("clientId", "clientId: portico");
        if (clientId.isPresent() && clientId.get().isBlank()) {
            auth.problem(
                    "clientId",
                    "clientId is empty",
                    "give the client id registered at the authorization server, or remove clientId");
            return Optional.empty();
        }
        return clientId;
    }

    static Optional<Secret> clientSecret(MappingReader auth) {
        Optional<String> secret = auth.string("clientSecret", "clientSecret: \"${CLIENT_SECRET}\"");
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        if (secret.get().isEmpty()) {
            auth.problem(
                    "clientSecret",
                    "clientSecret is empty",
                    "set the secret (e.g. clientSecret: \"${CLIENT_SECRET}\" with CLIENT_SECRET in the environment),"
                            + " or remove clientSecret for a public client");
            return Optional.empty();
        }
        if (secret.get().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            // Usually read from a file with its trailing newline: the authorization server would reject it.
            auth.problem(
                    "clientSecret",
                    "clientSecret contains a line break",
                    "remove the line break (check the environment variable or file it comes from)");
            return Optional.empty();
        }
        return Optional.of(Secret.of(secret.get()));
    }

    private Optional<ClientAuthMethod> method() {
        Optional<String> text = auth.string("tokenEndpointAuthMethod", "tokenEndpointAuthMethod: client_secret_basic");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<ClientAuthMethod> method = ClientAuthMethod.fromConfigName(text.get());
        if (method.isEmpty()) {
            auth.problem(
                    "tokenEndpointAuthMethod",
                    "unknown tokenEndpointAuthMethod \"" + text.get() + "\"",
                    "use one of: " + METHODS);
        }
        return method;
    }

    /**
     * A secret, an id and an authentication method only make sense together; a combination that would be ignored or
     * could never authenticate is a mistake to report now rather than a failed sign-in later. Keys that are present
     * but unusable were reported already and are skipped here.
     */
    private void checkClientCombination(Optional<ClientAuthMethod> method) {
        boolean hasSecret = auth.has("clientSecret");
        boolean hasId = auth.has("clientId");
        if (hasSecret && !hasId) {
            auth.problemAtKey(
                    "clientSecret",
                    "clientSecret is set without a clientId",
                    "add the clientId the secret was issued with, or remove clientSecret");
        }
        if (method.isEmpty()) {
            return;
        }
        if (method.get() == ClientAuthMethod.NONE && hasSecret) {
            auth.problem(
                    "tokenEndpointAuthMethod",
                    "tokenEndpointAuthMethod none sends no secret, but clientSecret is set",
                    "remove clientSecret for a public client, or use client_secret_basic or client_secret_post");
        } else if (method.get() != ClientAuthMethod.NONE && !hasSecret) {
            auth.problem(
                    "tokenEndpointAuthMethod",
                    "tokenEndpointAuthMethod " + method.get().configName() + " needs a clientSecret",
                    "add clientSecret, or use none (or leave tokenEndpointAuthMethod out) for a public client");
        } else if (!hasId && !hasSecret) {
            auth.problemAtKey(
                    "tokenEndpointAuthMethod",
                    "tokenEndpointAuthMethod applies only to a pre-registered clientId, and none is set",
                    "add clientId, or remove tokenEndpointAuthMethod");
        }
    }
}
