package dev.portico.aggregator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireLoggingFilterTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "org.eclipse.jetty, true",
        "org.eclipse.jetty.http.HttpParser, true",
        "io.modelcontextprotocol.spec.McpTransport, true",
        "no.nav.security.mock.oauth2.http.OAuth2HttpRequestHandler, true",
        "jdk.internal.httpclient.debug, true",
        "sun.net.www.protocol.http.HttpURLConnection, true",
        "org.eclipse.jettyish, false",
        "dev.portico.oauth.OAuthBroker, false",
        "portico.audit, false",
        "com.nimbusds.oauth2, false"
    })
    void whenTheLoggerBelongsToAWireLibraryThenItIsOneOfThem(String logger, boolean wire) {
        assertThat(WireLoggingFilter.isWireLogger(logger)).isEqualTo(wire);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/logback.xml", "/portico-logback-json.xml"})
    void whenPorticoLoadsAShippedLogbackConfigurationThenTheFilterIsInstalled(String configuration) throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(WireLoggingFilter.class.getResource(configuration));

        assertThat(context.getTurboFilterList()).hasAtLeastOneElementOfType(WireLoggingFilter.class);
        context.stop();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0123456789abcdef0123456789abcdef", // a streamable-HTTP session (SessionFactories)
                "38bf0a22-281e-41b6-9a95-588e17011d99" // a legacy SSE session (the SDK's UUID)
            })
    void whenTheSdkNamesASessionInAnErrorThenOnlyItsFirstEightCharactersAreLogged(String sessionId) {
        LoggerContext context = new LoggerContext();
        context.addTurboFilter(new WireLoggingFilter());
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);

        context.getLogger("io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider")
                .error("Failed to send message to session {}: {}", sessionId, "Client disconnected");

        assertThat(appender.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .isEqualTo(
                        "Failed to send message to session " + sessionId.substring(0, 8) + "…: Client disconnected"));
        context.stop();
    }
}
