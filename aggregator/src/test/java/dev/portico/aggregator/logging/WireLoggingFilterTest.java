package dev.portico.aggregator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
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
}
