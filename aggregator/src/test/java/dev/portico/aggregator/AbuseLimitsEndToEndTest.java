package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.aggregator.testing.RawHttp;
import dev.portico.oauth.storage.StoreEvictions;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 6, item 3, for sign-ins: the rate limits of {@code limits} answer 429 with {@code Retry-After} at the start
 * link and the callback and a retry-after tool error for a session's new sign-ins, each limit counting only its own
 * session or client address; and the pending sign-in cap drops a session's oldest link. Client addresses are varied
 * by sending from different loopback addresses (127.0.0.2 and so on), which all reach Portico's 127.0.0.1 listener.
 */
class AbuseLimitsEndToEndTest {

    private final ListAppender<ILoggingEvent> evictionLogs = new ListAppender<>();
    private final Logger evictionLog = (Logger) LoggerFactory.getLogger(StoreEvictions.class);
    private SignInWorld world;

    @AfterEach
    void stop() {
        evictionLog.detachAppender(evictionLogs);
        if (world != null) {
            world.close();
        }
    }

    @Test
    void whenAClientAddressOpensTooManyStartLinksThenItGets429AndOthersDoNot() throws Exception {
        startWorld("limits:\n  signInStartsPerMinutePerClientIp: 2\n");
        URI link = authUrl(world.session().call("calendar__whoami"));
        String target = link.getRawPath();
        InetAddress limited = loopback(11);

        assertThat(RawHttp.get(link, target, limited).status()).isEqualTo(302);
        // A second visit without the first visit's cookie is another browser; still within the limit.
        assertThat(RawHttp.get(link, target, limited).status()).isEqualTo(409);

        assertTooManyRequests(RawHttp.get(link, target, limited));
        assertThat(RawHttp.get(link, target, loopback(12)).status()).isEqualTo(409);
    }

    @Test
    void whenAClientAddressReachesTheCallbackTooOftenThenItGets429AndOthersDoNot() throws Exception {
        startWorld("limits:\n  callbacksPerMinutePerClientIp: 1\n");
        URI base = world.portico.baseUri();
        String callback = "/oauth/callback?state=never-issued";
        InetAddress limited = loopback(21);

        assertThat(RawHttp.get(base, callback, limited).status()).isEqualTo(400);

        assertTooManyRequests(RawHttp.get(base, callback, limited));
        assertThat(RawHttp.get(base, callback, loopback(22)).status()).isEqualTo(400);
    }

    @Test
    void whenASessionStartsTooManySignInsThenTheCallSaysWhenToRetryAndOtherSessionsAreUnaffected() throws Exception {
        startWorld("limits:\n  signInStartsPerMinutePerSession: 1\n");
        SignInWorld.Session busy = world.session();
        assertThat(authUrl(busy.call("calendar__whoami"))).isNotNull();

        McpSchema.CallToolResult refused = busy.call("mail__whoami");

        assertThat(refused.isError()).isTrue();
        assertThat(Clients.text(refused))
                .containsPattern("Too many sign-ins started in this session; retry after \\d+ s\\.")
                .doesNotContain("Exception");
        assertThat(authUrl(world.session().call("mail__whoami"))).isNotNull();
    }

    @Test
    void whenASessionHoldsTooManyPendingSignInsThenItsOldestLinkStopsWorkingAndTheEvictionIsLogged() throws Exception {
        startWorld("limits:\n  maxPendingSignInsPerSession: 1\n");
        evictionLogs.start();
        evictionLog.addAppender(evictionLogs);
        SignInWorld.Session session = world.session();
        URI oldest = authUrl(session.call("calendar__whoami"));
        URI newest = authUrl(session.call("mail__whoami"));

        RawHttp.Response oldestOpened = RawHttp.get(oldest, oldest.getRawPath(), loopback(31));
        RawHttp.Response newestOpened = RawHttp.get(newest, newest.getRawPath(), loopback(31));

        assertThat(oldestOpened.status()).isEqualTo(404);
        assertThat(newestOpened.status()).isEqualTo(302);
        assertThat(newestOpened.header("Location")).hasValueSatisfying(location -> assertThat(location)
                .startsWith(world.idp.issuer().toString()));
        assertThat(evictionLogs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .singleElement()
                .asString()
                .contains("store=sign-ins", "evicted=1", "reason=session-cap", "owner=");
    }

    /** 429 with a whole number of seconds to wait, kept out of caches, and a page without a stack trace. */
    private static void assertTooManyRequests(RawHttp.Response refused) {
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).hasValueSatisfying(seconds -> assertThat(Integer.parseInt(seconds))
                .isBetween(1, 60));
        assertThat(refused.header("Cache-Control")).contains("no-store");
        assertThat(refused.body()).contains("Too many requests").doesNotContain("Exception");
    }

    /** Two upstreams of one identity provider that refuse tool calls, not connections, until signed in. */
    private void startWorld(String limitsYaml) throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.upstream("mail", u -> u.requireAuthOnlyForToolCalls(true));
        world.porticoYaml(limitsYaml);
        world.startPortico();
    }

    /** 127.0.0.{@code last}: another client address on the loopback network. */
    private static InetAddress loopback(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }
}
