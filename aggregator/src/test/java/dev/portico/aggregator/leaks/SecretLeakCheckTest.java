package dev.portico.aggregator.leaks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The leak check can fail: a secret logged on purpose, anywhere in a line or an exception, is found. */
class SecretLeakCheckTest {

    private static final String ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJlLTQ3MTE";
    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String CLIENT_SECRET = "s3cr3t with spaces/and+plus";
    private static final String CODE = "SplxlOBeZQQYbYS6WxSbIA";
    private static final String SESSION_ID = "3f2a9c0d1e4b5a6978cdef0123456789";

    private final SecretScanner scanner = new SecretScanner(Map.of(
            ACCESS_TOKEN, "access_token",
            VERIFIER, "code_verifier",
            CLIENT_SECRET, "client_secret",
            CODE, "code",
            SESSION_ID, "session_id"));

    @Test
    void whenALineHoldsASecretAnywhereThenItIsFound() {
        List<SecretScanner.Finding> findings = scanner.scan(List.of(
                line("Authorization: Bearer " + ACCESS_TOKEN),
                line(ACCESS_TOKEN),
                line("x".repeat(5000) + VERIFIER + "y".repeat(5000)),
                line("grant_type=authorization_code&code=" + CODE + "&code_verifier=" + VERIFIER),
                line("session " + SESSION_ID + " closed")));

        assertThat(findings)
                .extracting(SecretScanner.Finding::kind)
                .containsExactly(
                        "access_token", "access_token", "code_verifier", "code", "code_verifier", "session_id");
    }

    @Test
    void whenASecretIsFormUrlEncodedThenItIsFoundToo() {
        List<SecretScanner.Finding> findings =
                scanner.scan(List.of(line("client_secret=s3cr3t+with+spaces%2Fand%2Bplus&client_id=portico")));

        assertThat(findings).extracting(SecretScanner.Finding::kind).containsExactly("client_secret (form-urlencoded)");
    }

    @Test
    void whenALineHoldsOnlyAPartOrAHeadThenNothingIsFound() {
        assertThat(scanner.scan(List.of(
                        line("session " + SESSION_ID.substring(0, 8) + " closed"),
                        line("token " + ACCESS_TOKEN.substring(0, ACCESS_TOKEN.length() - 1)),
                        line("nothing to see"),
                        line(""))))
                .isEmpty();
    }

    @Test
    void whenAFindingIsDescribedThenTheSecretIsReplacedByItsKind() {
        SecretScanner.Finding finding =
                scanner.scan(List.of(line("Bearer " + ACCESS_TOKEN))).get(0);

        assertThat(finding.describe(scanner.needles()))
                .isEqualTo("access_token in a DEBUG line of test.logger: Bearer <access_token>")
                .doesNotContain(ACCESS_TOKEN);
    }

    @Test
    void whenASecretIsTooShortToLookForThenTheScannerSaysSo() {
        assertThat(new SecretScanner(Map.of("abc", "client_secret")).tooShort()).containsExactly("client_secret");
    }

    @Test
    void whenSecretsAreLoggedAtTraceOrInsideExceptionsThenTheCaptureKeepsThemAndTheScanFindsThem() {
        Logger portico = LoggerFactory.getLogger("dev.portico.leaktest");
        List<CapturedLine> lines = whileTracing(() -> {
            portico.trace("sending {}", ACCESS_TOKEN);
            IllegalStateException failure =
                    new IllegalStateException("outer", new RuntimeException("cause with code " + CODE));
            failure.addSuppressed(new RuntimeException("suppressed with " + VERIFIER));
            portico.debug("exchange failed", failure);
            java.util.logging.Logger.getLogger("some.jul.library").finest("secret " + CLIENT_SECRET);
        });

        assertThat(scanner.scan(lines))
                .extracting(SecretScanner.Finding::kind)
                .containsExactlyInAnyOrder("access_token", "code", "code_verifier", "client_secret");
    }

    @Test
    void whenAWireLibraryLogsBelowInfoThenPorticosFilterDropsItEvenAtTrace() {
        Logger jetty = LoggerFactory.getLogger("org.eclipse.jetty.http.HttpParser");
        List<CapturedLine> lines = whileTracing(() -> {
            jetty.debug("FIELD(Authorization: Bearer {})", ACCESS_TOKEN);
            jetty.trace("FIELD(Mcp-Session-Id: {})", SESSION_ID);
            jetty.warn("bad message from a client");
        });

        assertThat(lines).extracting(CapturedLine::text).containsExactly("bad message from a client");
    }

    @Test
    void whenTheSdkNamesASessionInAWarningThenOnlyItsHeadIsLogged() {
        Logger sdk = LoggerFactory.getLogger("io.modelcontextprotocol.util.KeepAliveScheduler");
        List<CapturedLine> lines =
                whileTracing(() -> sdk.warn("Keep-alive ping to session {} failed: {}", SESSION_ID, "gone"));

        assertThat(lines)
                .extracting(CapturedLine::text)
                .containsExactly("Keep-alive ping to session " + SESSION_ID.substring(0, 8) + "… failed: gone");
        assertThat(scanner.scan(lines)).isEmpty();
    }

    /** What is captured while {@code logging} runs with every logger at TRACE. */
    private static List<CapturedLine> whileTracing(Runnable logging) {
        TraceEverything tracing = TraceEverything.start();
        List<CapturedLine> lines;
        try {
            logging.run();
        } finally {
            lines = tracing.stop();
        }
        return lines;
    }

    private static CapturedLine line(String text) {
        return new CapturedLine("test.logger", "DEBUG", text);
    }
}
