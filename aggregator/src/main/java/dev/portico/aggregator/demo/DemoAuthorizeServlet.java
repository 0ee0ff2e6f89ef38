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
 * <p>With {@link DemoIdentityProvider.Builder#interactiveLogin} on, a valid GET is answered with the mock's login page
 * instead (fetched from the mock, relayed with a Content Security Policy that lets nothing load from elsewhere). Its
 * form has no action, so the browser posts it to this same URL, query included; the POST is checked like the GET,
 * and the user name it carries goes to the mock's own login endpoint, which issues the code for that user.
 *
 * <p>Errors are shown as a 400 page and never redirected: a request whose client or redirect URI is in doubt must not
 * send the browser anywhere (RFC 6749 §4.1.2.1). The other errors could be redirected back; a page keeps the demo
 * simple and the reason visible.
 */
final class DemoAuthorizeServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);
    private static final String ENDPOINT = "authorize";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LOGIN_BYTES = 16 * 1024;
    /** For the relayed login page: its inline styles apply, nothing loads, no one frames it. */
    private static final String LOGIN_PAGE_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

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
        Optional<Checked> checked = check(request, response);
        if (checked.isEmpty()) {
            return;
        }
        if (options.interactiveLogin()) {
            showLogin(checked.get(), response);
        } else {
            approve(checked.get(), signIns.takeSubject(), Optional.empty(), response);
        }
    }

    /** The login form of {@link #showLogin}, posted back with the authorization request still in the query. */
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Read first: a refusal that leaves the body unread makes Jetty drop the connection under a keep-alive client.
        byte[] bytes = request.getInputStream().readNBytes(MAX_LOGIN_BYTES + 1);
        if (!options.interactiveLogin()) {
            response.setHeader("Allow", "GET");
            DemoHttp.page(
                    response,
                    HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "Method not allowed",
                    "This authorization endpoint signs in at once; open it with GET.");
            return;
        }
        Optional<Checked> checked = check(request, response);
        if (checked.isEmpty()) {
            return;
        }
        Optional<DemoForm> login = bytes.length > MAX_LOGIN_BYTES
                ? Optional.empty()
                : DemoForm.parse(new String(bytes, StandardCharsets.UTF_8));
        if (login.isEmpty()) {
            refuse(response, "the login form is too large or not valid form encoding");
            return;
        }
        // The mock trims the name it receives; the front records the same name.
        Optional<String> username =
                login.get().get("username").map(String::strip).filter(name -> !name.isEmpty());
        if (username.isEmpty()) {
            refuse(response, "username is missing: type the user to sign in as");
            return;
        }
        if (login.get().get("claims").filter(claims -> !claims.isBlank()).isPresent()) {
            // The front decides client_id, scope and aud; extra claims from the form could contradict them.
            refuse(response, "the demo identity provider sets the token's claims itself; leave the claims field empty");
            return;
        }
        approve(checked.get(), username.get(), username, response);
    }

    /** An authorization request that passed every check. */
    private record Checked(DemoForm form, String clientId, URI redirectUri) {}

    /** The request's query, checked; empty after answering with a refusal page. */
    private Optional<Checked> check(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<DemoForm> parsed = DemoForm.parse(request.getQueryString());
        if (parsed.isEmpty()) {
            refuse(response, "the query string is not valid percent-encoding");
            return Optional.empty();
        }
        DemoForm form = parsed.get();
        List<String> repeated = form.repeatedExcept(Set.of("resource"));
        if (!repeated.isEmpty()) {
            refuse(response, "parameters given more than once: " + String.join(", ", repeated));
            return Optional.empty();
        }
        Optional<String> clientId = form.get("client_id");
        if (clientId.isEmpty()) {
            refuse(response, "client_id is missing");
            return Optional.empty();
        }
        Optional<URI> redirectUri = form.get("redirect_uri").flatMap(DemoAuthorizeServlet::absoluteUri);
        if (redirectUri.isEmpty()) {
            refuse(response, "redirect_uri is missing or not an absolute URI");
            return Optional.empty();
        }
        Optional<String> problem =
                clientProblem(clientId.get(), redirectUri.get()).or(() -> requestProblem(form));
        if (problem.isPresent()) {
            refuse(response, problem.get());
            return Optional.empty();
        }
        return Optional.of(new Checked(form, clientId.get(), redirectUri.get()));
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

    /**
     * Obtains the code from the mock and redirects the browser to the client with it.
     *
     * @param subject the user who signs in
     * @param login the user name typed into the login page, which is sent to the mock; empty without the page
     */
    private void approve(Checked checked, String subject, Optional<String> login, HttpServletResponse response)
            throws IOException {
        Optional<String> scope =
                checked.form().get("scope").map(this::grantable).filter(granted -> !granted.isEmpty());
        Optional<URI> location = codeFromMock(checked.form(), scope, login);
        if (location.isEmpty()) {
            mockFailed(response, "the mock authorization server did not issue a code");
            return;
        }
        Optional<String> code = DemoForm.parse(location.get().getRawQuery()).flatMap(query -> query.get("code"));
        if (code.isEmpty()) {
            mockFailed(response, "the mock authorization server redirected without a code");
            return;
        }
        activity.secrets().issued("code", code.get());
        signIns.codeIssued(code.get(), new SignIn(checked.clientId(), checked.redirectUri(), subject, scope));
        String redirect = location.get().toString();
        if (options.authorizationResponseIss()) {
            // RFC 9207 §2: the issuer travels with the code so the client can tell which server answered.
            redirect += (location.get().getRawQuery() == null ? "?" : "&") + "iss=" + encode(endpoints.issuer());
        }
        log.info("Demo identity provider signed in {} for client {}", subject, checked.clientId());
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", redirect);
        response.setHeader("Cache-Control", "no-store");
    }

    /** Relays the mock's login page for this request; its form posts back here. */
    private void showLogin(Checked checked, HttpServletResponse response) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(
                        mockUri(checked.form(), checked.form().get("scope")))
                .timeout(TIMEOUT)
                .GET()
                .build();
        Optional<HttpResponse<byte[]>> answer = sendToMock(request, HttpResponse.BodyHandlers.ofByteArray());
        if (answer.isEmpty() || answer.get().statusCode() != HttpServletResponse.SC_OK) {
            answer.ifPresent(a ->
                    log.warn("The mock authorization server answered {} instead of its login page", a.statusCode()));
            mockFailed(response, "the mock authorization server did not show its login page");
            return;
        }
        byte[] page = answer.get().body();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/html;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        // The page links a web font; nothing but the page itself and its inline styles may load.
        response.setHeader("Content-Security-Policy", LOGIN_PAGE_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }

    /** The requested scopes without those this provider is set to withhold. */
    private String grantable(String requested) {
        return Arrays.stream(requested.trim().split(" +"))
                .filter(scope -> !scope.isEmpty() && !options.withheldScopes().contains(scope))
                .collect(Collectors.joining(" "));
    }

    /**
     * The mock's redirect (to the client, with the code), obtained server-side: a GET of its authorization endpoint
     * approves at once, a POST with {@code username} is its login form's submission.
     */
    private Optional<URI> codeFromMock(DemoForm form, Optional<String> scope, Optional<String> login) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(mockUri(form, scope)).timeout(TIMEOUT);
        if (login.isPresent()) {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + encode(login.get())));
        } else {
            request.GET();
        }
        Optional<HttpResponse<Void>> answer = sendToMock(request.build(), HttpResponse.BodyHandlers.discarding());
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        if (answer.get().statusCode() != HttpServletResponse.SC_FOUND) {
            log.warn(
                    "The mock authorization server answered {} to an authorization request",
                    answer.get().statusCode());
            return Optional.empty();
        }
        return answer.get().headers().firstValue("Location").flatMap(DemoAuthorizeServlet::absoluteUri);
    }

    /**
     * The mock's authorization endpoint with this request. The mock parses it as an OpenID Connect authentication
     * request, which needs the {@code openid} scope; it is added for the mock only.
     */
    private URI mockUri(DemoForm form, Optional<String> scope) {
        Map<String, String> parameters = form.firstValues();
        String requested = scope.orElse("");
        boolean hasOpenId = Arrays.asList(requested.split(" ")).contains("openid");
        parameters.put("scope", hasOpenId ? requested : ("openid " + requested).strip());
        parameters.remove("resource"); // the mock ignores it; the audience comes from the token request
        String query = parameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return URI.create(endpoints.mockAuthorization() + "?" + query);
    }

    private <T> Optional<HttpResponse<T>> sendToMock(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            synchronized (mockLock) {
                return Optional.of(http.send(request, body));
            }
        } catch (IOException e) {
            log.warn("The mock authorization server could not be reached: {}", e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private void mockFailed(HttpServletResponse response, String reason) throws IOException {
        activity.refused(ENDPOINT, reason);
        String sentence = Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ".";
        DemoHttp.page(response, HttpServletResponse.SC_BAD_GATEWAY, "Sign-in failed", sentence);
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
