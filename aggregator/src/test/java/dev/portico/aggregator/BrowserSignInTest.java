package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.Chromium;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;

/**
 * The sign-in as a user does it, in a real browser: headless Chromium follows Portico's start link to the demo
 * identity provider's interactive login page, types a user name, submits, lands on Portico's callback page, and the
 * MCP client's retried call reaches the upstream as that user. Also the page of a link opened too late.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver}: skipped without them, unless {@code
 * PORTICO_BROWSER_TESTS=required} (set by {@code .ci/run}), which fails instead. See {@link Chromium}.
 */
@OAuthEndToEnd
class BrowserSignInTest {

    private static final Duration SIGN_IN_SETTLES = Duration.ofSeconds(20);
    private static final Duration STATE_TTL = Duration.ofSeconds(1);

    private SignInWorld world;
    private Chromium chromium;

    @BeforeEach
    void requireChromium() {
        Chromium.assumeInstalled();
    }

    @AfterEach
    void stop() {
        try {
            if (chromium != null) {
                chromium.close();
                assertThat(chromium.processes()).noneMatch(ProcessHandle::isAlive);
            }
        } finally {
            if (world != null) {
                world.close();
            }
        }
    }

    @Test
    void whenTheUserSignsInOnTheLoginPageThenPorticoSaysSignedInAndTheRetriedCallIsThatUsers() throws Exception {
        world = new SignInWorld(idp -> idp.interactiveLogin(true));
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico();
        SignInWorld.Session session = world.session();
        await().atMost(SIGN_IN_SETTLES).until(() -> session.toolNames().contains("calendar__whoami"));
        McpSchema.CallToolResult challenge = session.call("calendar__whoami");
        URI link = authUrl(challenge);
        chromium = Chromium.start();

        chromium.driver().get(link.toString());
        chromium.waitFor(By.tagName("h2"), "Mock OAuth2 Server Sign-in");
        assertThat(chromium.driver().getCurrentUrl()).startsWith(world.idp.authorizationEndpoint() + "?");
        WebElement username = chromium.driver().findElement(By.name("username"));
        username.sendKeys("alice.browser");
        chromium.driver().findElement(By.cssSelector("input[type=submit]")).click();

        String heading = chromium.waitFor(By.tagName("h1"), "Signed in");
        String sentence = chromium.driver().findElement(By.tagName("p")).getText();
        assertThat(heading).isEqualTo("Signed in");
        assertThat(sentence).isEqualTo("Signed in to calendar. You can return to your client.");
        URI callback = URI.create(chromium.driver().getCurrentUrl());
        assertThat(callback.getPort()).isEqualTo(world.portico.baseUri().getPort());
        assertThat(callback.getPath()).isEqualTo("/oauth/callback");
        assertThat(chromium.driver().getTitle()).isEqualTo("Signed in · Portico");

        await().atMost(SIGN_IN_SETTLES)
                .until(() ->
                        !Boolean.TRUE.equals(session.call("calendar__whoami").isError()));
        assertThat(Clients.text(session.call("calendar__whoami"))).isEqualTo("hello alice.browser");
        assertThat(world.idp.tokenRequests()).singleElement().satisfies(request -> assertThat(request.status())
                .isEqualTo(200));
    }

    @Test
    void whenTheLinkIsOpenedAfterItExpiredThenTheBrowserShowsTheExpiredPageAndNoTokenIsStored() throws Exception {
        world = new SignInWorld(idp -> idp.interactiveLogin(true));
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico(Map.of(), "stateTtl: " + STATE_TTL.toSeconds() + "s");
        SignInWorld.Session session = world.session();
        await().atMost(SIGN_IN_SETTLES).until(() -> session.toolNames().contains("calendar__whoami"));
        URI link = authUrl(session.call("calendar__whoami"));
        // The link was made before this instant, so it has expired once the TTL has passed since.
        Instant expiredAfter = Instant.now().plus(STATE_TTL);
        chromium = Chromium.start();
        await().atMost(STATE_TTL.plus(SIGN_IN_SETTLES))
                .until(() -> Instant.now().isAfter(expiredAfter));

        chromium.driver().get(link.toString());

        assertThat(chromium.waitFor(By.tagName("h1"), "Sign-in link expired")).isEqualTo("Sign-in link expired");
        assertThat(chromium.driver().findElement(By.tagName("p")).getText())
                .isEqualTo("This sign-in link to calendar expired. Ask your client to sign in again.");
        assertThat(chromium.driver().getCurrentUrl()).isEqualTo(link.toString());
        assertThat(world.idp.tokenRequests()).isEmpty();
        assertThat(authUrl(session.call("calendar__whoami")))
                .as("the next call still asks to sign in, with a new link")
                .isNotEqualTo(link);
    }

    @Test
    void whenAPageIsNotOnLoopbackThenChromiumCannotReachIt() throws Exception {
        Optional<InetAddress> address = nonLoopbackAddress();
        Assumptions.assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address to try");
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "<h1>reached</h1>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://" + address.get().getHostAddress() + ":"
                    + server.getAddress().getPort() + "/";
            Assumptions.assumeTrue(reachableFromHere(URI.create(url)), url + " is not reachable even without Chromium");
            requests.set(0);
            chromium = Chromium.start();

            assertThatThrownBy(() -> chromium.driver().get(url))
                    .isInstanceOf(WebDriverException.class)
                    .hasMessageContaining("net::ERR_PROXY_CONNECTION_FAILED");
            assertThatThrownBy(() -> chromium.driver().get("http://portico-browser-test.example/"))
                    .isInstanceOf(WebDriverException.class)
                    .hasMessageContaining("net::ERR_");

            assertThat(requests).as("requests that reached %s", url).hasValue(0);
            assertThat(chromium.pageText()).doesNotContain("reached");
        } finally {
            server.stop(0);
        }
    }

    private static boolean reachableFromHere(URI url) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpRequest request =
                    HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }
}
