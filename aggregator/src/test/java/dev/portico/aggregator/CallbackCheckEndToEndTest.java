package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.Browser;
import dev.portico.oauth.audit.AuthAudit;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What Portico's callback checks, with the real identity provider: the RFC 9207 {@code iss} (mix-up defence), and one
 * audit line per outcome that never carries a state, code or token.
 */
@OAuthEndToEnd
class CallbackCheckEndToEndTest {

    private static final Duration SIGN_IN_SETTLES = Duration.ofSeconds(20);
    private static final String CALLBACK_PATH = "/oauth/callback";
    private static final String FOREIGN_ISSUER = "http://127.0.0.1:1/evil-idp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignInWorld world;
    private SignInWorld.Session session;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level porticoLevel;

    @AfterEach
    void stop() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        if (porticoLevel != null) {
            ((Logger) LoggerFactory.getLogger("dev.portico")).setLevel(porticoLevel);
        }
        if (world != null) {
            world.close();
        }
    }

    private void start(boolean issParameter) throws Exception {
        world = new SignInWorld(idp -> idp.authorizationResponseIss(issParameter));
        world.upstream("calendar", u -> {});
        world.startPortico();
        session = world.session();
    }

    @Test
    void whenTheIssMatchesTheFlowsIssuerThenSignedIn() throws Exception {
        start(true);
        Browser browser = new Browser();
        URI callback = callbackOfNewSignIn(browser);

        Browser.Page page = browser.open(callback);

        assertThat(query(callback))
                .containsEntry("iss", List.of(world.idp.issuer().toString()));
        assertThat(page.status()).isEqualTo(200);
        awaitSignedIn();
    }

    @Test
    void afterARefusedCallbackTheNextCallOffersANewLinkThatWorks() throws Exception {
        start(true);
        Browser browser = new Browser();
        URI spentLink = authUrl(session.call("calendar__whoami"));
        URI callback = browser.openUntil(spentLink, url -> url.getPath().equals(CALLBACK_PATH))
                .stoppedAt();
        assertThat(browser.open(withIss(callback, FOREIGN_ISSUER)).status()).isEqualTo(400);

        URI newLink = authUrl(session.call("calendar__whoami"));

        assertThat(newLink).isNotEqualTo(spentLink);
        assertThat(new Browser().open(newLink).status()).isEqualTo(200);
        awaitSignedIn();
    }

    @Test
    void whenTheIssIsTamperedThenRefusedNoTokenAndTheStateIsSpent() throws Exception {
        start(true);
        Browser browser = new Browser();
        URI callback = callbackOfNewSignIn(browser);

        Browser.Page tampered = browser.open(withIss(callback, FOREIGN_ISSUER));
        Browser.Page genuineAfterwards = browser.open(callback);

        assertThat(tampered.status()).isEqualTo(400);
        assertThat(tampered.body())
                .contains("Sign-in refused")
                .contains("did not come from the authorization server of calendar");
        assertThat(genuineAfterwards.status()).isEqualTo(400);
        assertThat(genuineAfterwards.body()).contains("unknown or was already used");
        assertThat(world.idp.tokenRequests()).isEmpty();
        assertThat(authUrl(session.call("calendar__whoami"))).isNotNull();
    }

    @Test
    void whenTheIssIsMissingAlthoughTheServerPromisedItThenRefused() throws Exception {
        start(true);
        Browser browser = new Browser();
        URI callback = callbackOfNewSignIn(browser);

        Browser.Page page = browser.open(withoutIss(callback));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("the iss parameter is missing although the server announces it");
        assertThat(world.idp.tokenRequests()).isEmpty();
    }

    @Test
    void whenTheServerDoesNotSendIssThenSignedInWithoutIt() throws Exception {
        start(false);
        Browser browser = new Browser();
        URI callback = callbackOfNewSignIn(browser);

        Browser.Page page = browser.open(callback);

        assertThat(query(callback)).doesNotContainKey("iss");
        assertThat(page.status()).isEqualTo(200);
        awaitSignedIn();
    }

    @Test
    void whenTheServerDoesNotSendIssButAWrongOneIsPresentThenRefused() throws Exception {
        start(false);
        Browser browser = new Browser();
        URI callback = callbackOfNewSignIn(browser);

        Browser.Page page = browser.open(withIss(callback, FOREIGN_ISSUER));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("Sign-in refused");
        assertThat(world.idp.tokenRequests()).isEmpty();
    }

    @Test
    void whenSignInsFailAndSucceedThenOneAuditLinePerOutcomeAndNoSecretInAnyLog() throws Exception {
        Logger portico = (Logger) LoggerFactory.getLogger("dev.portico");
        porticoLevel = portico.getLevel();
        portico.setLevel(Level.DEBUG); // Portico's debug lines must be free of secrets too
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        start(true);
        List<String> secrets = new ArrayList<>();
        // A refused callback spends its sign-in, and the session keeps handing out the spent link until it expires:
        // each failing attempt gets a session of its own.
        Browser browser = new Browser();
        URI tampered = callbackOfNewSignIn(world.session(), browser);
        secrets.addAll(stateAndCode(tampered));
        assertThat(browser.open(withIss(tampered, FOREIGN_ISSUER)).status()).isEqualTo(400);

        URI denied = callbackOfNewSignIn(world.session(), browser);
        secrets.addAll(stateAndCode(denied));
        String deniedState = query(denied).get("state").get(0);
        assertThat(browser.open(URI.create(
                                world.portico.baseUri() + CALLBACK_PATH + "?error=access_denied&state=" + deniedState
                                        + "&iss=" + encode(world.idp.issuer().toString())))
                        .status())
                .isEqualTo(400);

        assertThat(browser.open(URI.create(world.portico.baseUri() + CALLBACK_PATH + "?state=forged&code=forged"))
                        .status())
                .isEqualTo(400);

        URI good = callbackOfNewSignIn(session, browser);
        secrets.addAll(stateAndCode(good));
        assertThat(browser.open(good).status()).isEqualTo(200);
        awaitSignedIn();

        String issuer = world.idp.issuer().toString();
        List<JsonNode> audit = auditLines();
        assertThat(audit)
                .filteredOn(line -> line.get("event").asText().equals("callback"))
                .extracting(line ->
                        line.get("outcome").asText() + " " + line.get("error").asText())
                .containsExactly("failed iss_mismatch", "failed access_denied", "failed unknown_state", "ok null");
        assertThat(audit)
                .filteredOn(line -> line.get("event").asText().equals("challenge_issued"))
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(line -> assertThat(line.get("outcome").asText()).isEqualTo("ok"));
        assertThat(audit)
                .filteredOn(line -> !line.get("error").asText().equals("unknown_state"))
                .allSatisfy(line -> {
                    assertThat(line.get("server").asText()).isEqualTo("calendar");
                    assertThat(line.get("issuer").asText()).isEqualTo(issuer);
                    assertThat(line.get("session").asText()).hasSize(9).endsWith("…");
                    assertThat(line.fieldNames())
                            .toIterable()
                            .containsExactly(
                                    "ts", "event", "outcome", "server", "issuer", "session", "error", "detail");
                });
        JsonNode unknown = audit.stream()
                .filter(line -> line.get("error").asText().equals("unknown_state"))
                .findFirst()
                .orElseThrow();
        assertThat(unknown.get("server").asText()).isEqualTo("-");
        assertThat(unknown.get("issuer").isNull()).isTrue();
        assertThat(unknown.get("session").asText()).isEqualTo("-");
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).allSatisfy(line -> {
            assertThat(line).doesNotContain(secrets);
            // The demo provider's tokens are JWTs; none may be logged.
            assertThat(line).doesNotContain("eyJ");
        });
    }

    private URI callbackOfNewSignIn(Browser browser) {
        return callbackOfNewSignIn(session, browser);
    }

    /** Asks for a sign-in and follows it through the identity provider, stopping before Portico's callback. */
    private static URI callbackOfNewSignIn(SignInWorld.Session session, Browser browser) {
        URI link = authUrl(session.call("calendar__whoami"));
        return browser.openUntil(link, url -> url.getPath().equals(CALLBACK_PATH))
                .stoppedAt();
    }

    private void awaitSignedIn() {
        await().atMost(SIGN_IN_SETTLES).until(() -> session.toolNames().contains("calendar__whoami"));
        assertThat(Clients.text(session.call("calendar__whoami"))).contains("hello demo-user");
    }

    private List<JsonNode> auditLines() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (ILoggingEvent event : logs.list) {
            if (event.getLoggerName().equals(AuthAudit.LOGGER_NAME)) {
                lines.add(JSON.readTree(event.getFormattedMessage()));
            }
        }
        return lines;
    }

    private static Map<String, List<String>> query(URI url) {
        return URLUtils.parseParameters(url.getRawQuery());
    }

    private static List<String> stateAndCode(URI callback) {
        Map<String, List<String>> query = query(callback);
        return List.of(query.get("state").get(0), query.get("code").get(0));
    }

    private static URI withoutIss(URI callback) {
        Map<String, List<String>> query = new LinkedHashMap<>(query(callback));
        query.remove("iss");
        return withQuery(callback, query);
    }

    private static URI withIss(URI callback, String iss) {
        Map<String, List<String>> query = new LinkedHashMap<>(query(callback));
        query.put("iss", List.of(iss));
        return withQuery(callback, query);
    }

    private static URI withQuery(URI url, Map<String, List<String>> query) {
        String base = url.toString().substring(0, url.toString().indexOf('?'));
        return URI.create(base + "?" + URLUtils.serializeParameters(query));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
