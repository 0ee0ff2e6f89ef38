package dev.portico.aggregator.demo;

import dev.portico.aggregator.demo.DemoIdentityProvider.Client;
import dev.portico.aggregator.demo.DemoSignIns.SignIn;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo identity provider's authorization endpoint. It checks what the mock does not (the client, its exact
 * redirect URI, PKCE with S256), approves the sign-in as the next subject, obtains the code from the mock's own
 * authorization endpoint, and redirects the browser to the client with it.
 *
 * <p>Errors are shown as a 400 page and never redirected: a request whose client or redirect URI is in doubt must not
 * send the browser anywhere (RFC 6749 §4.1.2.1). The other errors could be redirected back; a page keeps the demo
 * simple and the reason visible.
 */
final class DemoAuthorizeServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);
    private static final String ENDPOINT = "authorize";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final DemoIdpOptions options;
    private final DemoIdpEndpoints endpoints;
    private final DemoClientRegistry clients;
    private final DemoSignIns signIns;
    private final DemoCimdFetcher fetcher;
    private final DemoIdpActivity activity;
    private final Object mockLock;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    DemoAuthorizeServlet(
            DemoIdpOptions options,
            DemoIdpEndpoints endpoints,
            DemoClientRegistry clients,
            DemoSignIns signIns,
            DemoCimdFetcher fetcher,
            DemoIdpActivity activity,
            Object mockLock) {
        this.options = options;
        this.endpoints = endpoints;
        this.clients = clients;
        this.signIns = signIns;
        this.fetcher = fetcher;
        this.activity = activity;
        this.mockLock = mockLock;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<DemoForm> parsed = DemoForm.parse(request.getQueryString());
        if (parsed.isEmpty()) {
            refuse(response, "the query string is not valid percent-encoding");
            return;
        }
        DemoForm form = parsed.get();
        List<String> repeated = form.repeatedExcept(Set.of("resource"));
        if (!repeated.isEmpty()) {
            refuse(response, "parameters given more than once: " + String.join(", ", repeated));
            return;
        }
        Optional<String> clientId = form.get("client_id");
        if (clientId.isEmpty()) {
            refuse(response, "client_id is missing");
            return;
        }
        Optional<URI> redirectUri = form.get("redirect_uri").flatMap(DemoAuthorizeServlet::absoluteUri);
        if (redirectUri.isEmpty()) {
            refuse(response, "redirect_uri is missing or not an absolute URI");
            return;
        }
        Optional<String> problem =
                clientProblem(clientId.get(), redirectUri.get()).or(() -> requestProblem(form));
        if (problem.isPresent()) {
            refuse(response, problem.get());
            return;
        }
        approve(form, clientId.get(), redirectUri.get(), response);
    }

    /** Whether the client is known and may use this redirect URI (exact match, RFC 9700 §4.1.1). */
    private Optional<String> clientProblem(String clientId, URI redirectUri) {
        Optional<Client> client = clients.find(clientId);
        if (client.isPresent()) {
            return client.get().redirectUris().contains(redirectUri)
                    ? Optional.empty()
                    : Optional.of("redirect_uri " + redirectUri + " is not registered for client " + clientId);
        }
        Optional<URI> url = absoluteUri(clientId)
                .filter(u -> "https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()));
        if (url.isEmpty()) {
            return Optional.of("unknown client_id " + clientId);
        }
        if (!options.clientIdMetadataDocuments()) {
            return Optional.of("client_id " + clientId + " is a URL, but this authorization server does not support"
                    + " Client ID Metadata Documents");
        }
        Optional<String> refusal = fetcher.refusal(url.get(), redirectUri);
        if (refusal.isEmpty()) {
            clients.acceptMetadataDocumentClient(clientId);
        }
        return refusal;
    }

    private static Optional<String> requestProblem(DemoForm form) {
        if (!form.get("response_type").equals(Optional.of("code"))) {
            return Optional.of("response_type must be \"code\"");
        }
        if (form.get("response_mode").filter(mode -> !mode.equals("query")).isPresent()) {
            return Optional.of("only response_mode \"query\" is supported");
        }
        if (form.get("code_challenge").isEmpty()) {
            return Optional.of("code_challenge is missing: PKCE is required (OAuth 2.1, MCP authorization)");
        }
        if (!form.get("code_challenge_method").equals(Optional.of("S256"))) {
            return Optional.of("code_challenge_method must be S256");
        }
        for (String resource : form.all("resource")) {
            Optional<URI> uri = absoluteUri(resource);
            if (uri.isEmpty() || uri.get().getRawFragment() != null) {
                // RFC 8707 §2: an absolute URI without a fragment.
                return Optional.of("resource " + resource + " is not an absolute URI without a fragment");
            }
        }
        return Optional.empty();
    }

    private void approve(DemoForm form, String clientId, URI redirectUri, HttpServletResponse response)
            throws IOException {
        String subject = signIns.takeSubject();
        Optional<String> scope = form.get("scope").map(this::grantable).filter(granted -> !granted.isEmpty());
        Optional<URI> location = codeFromMock(form, scope);
        if (location.isEmpty()) {
            activity.refused(ENDPOINT, "the mock authorization server did not issue a code");
            DemoHttp.page(
                    response,
                    HttpServletResponse.SC_BAD_GATEWAY,
                    "Sign-in failed",
                    "The mock authorization server did not issue a code.");
            return;
        }
        Optional<String> code = DemoForm.parse(location.get().getRawQuery()).flatMap(query -> query.get("code"));
        if (code.isEmpty()) {
            activity.refused(ENDPOINT, "the mock authorization server redirected without a code");
            DemoHttp.page(
                    response,
                    HttpServletResponse.SC_BAD_GATEWAY,
                    "Sign-in failed",
                    "The mock authorization server redirected without a code.");
            return;
        }
        signIns.codeIssued(code.get(), new SignIn(clientId, redirectUri, subject, scope));
        String redirect = location.get().toString();
        if (options.authorizationResponseIss()) {
            // RFC 9207 §2: the issuer travels with the code so the client can tell which server answered.
            redirect += (location.get().getRawQuery() == null ? "?" : "&") + "iss=" + encode(endpoints.issuer());
        }
        log.info("Demo identity provider signed in {} for client {}", subject, clientId);
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", redirect);
        response.setHeader("Cache-Control", "no-store");
    }

    /** The requested scopes without those this provider is set to withhold. */
    private String grantable(String requested) {
        return Arrays.stream(requested.trim().split(" +"))
                .filter(scope -> !scope.isEmpty() && !options.withheldScopes().contains(scope))
                .collect(Collectors.joining(" "));
    }

    /**
     * The mock's redirect (to the client, with the code), obtained server-side. The mock parses the request as an
     * OpenID Connect authentication request, which needs the {@code openid} scope; it is added for the mock only.
     */
    private Optional<URI> codeFromMock(DemoForm form, Optional<String> scope) {
        Map<String, String> parameters = form.firstValues();
        String requested = scope.orElse("");
        boolean hasOpenId = Arrays.asList(requested.split(" ")).contains("openid");
        parameters.put("scope", hasOpenId ? requested : ("openid " + requested).strip());
        parameters.remove("resource"); // the mock ignores it; the audience comes from the token request
        String query = parameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoints.mockAuthorization() + "?" + query))
                .timeout(TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<Void> answer;
            synchronized (mockLock) {
                answer = http.send(request, HttpResponse.BodyHandlers.discarding());
            }
            if (answer.statusCode() != HttpServletResponse.SC_FOUND) {
                log.warn("The mock authorization server answered {} to an authorization request", answer.statusCode());
                return Optional.empty();
            }
            return answer.headers().firstValue("Location").flatMap(DemoAuthorizeServlet::absoluteUri);
        } catch (IOException e) {
            log.warn("The mock authorization server could not be reached: {}", e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private void refuse(HttpServletResponse response, String reason) throws IOException {
        activity.refused(ENDPOINT, reason);
        DemoHttp.page(response, HttpServletResponse.SC_BAD_REQUEST, "Sign-in refused", reason);
    }

    private static Optional<URI> absoluteUri(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() && !uri.isOpaque() ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String encode(Object value) {
        return URLEncoder.encode(value.toString(), StandardCharsets.UTF_8);
    }
}
