package dev.portico.oauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The broker reaches the network only through {@link OutboundHttp}: its sources use no other HTTP client, and every
 * Nimbus request is sent through a sender. The behaviour of each fetch is tested beside it ({@code DiscoveryTest},
 * {@code HardenedFetchesTest}, {@code TokenClientTest}); this catches the fetch that a later change adds some other way,
 * which those tests would not notice.
 */
class OneWayOutTest {

    /** What would open a connection outside the hardened client, and why each is a way around it. */
    private static final Map<String, Pattern> WAYS_AROUND = Map.of(
            "java.net.http (the JDK client)", Pattern.compile("java\\.net\\.http\\."),
            "URLConnection", Pattern.compile("HttpURLConnection|URLConnection|\\.openConnection\\(|\\.openStream\\("),
            "a Nimbus request sent without a sender (Nimbus then uses HttpURLConnection)",
                    Pattern.compile("\\.send\\(\\s*\\)"),
            "Nimbus's own metadata and key fetching",
                    Pattern.compile("Metadata\\.resolve\\(|JWKSet\\.load\\(|RemoteJWKSet"),
            "a Nimbus key source that fetches by itself (it must be given the hardened client's JwksRetriever)",
                    Pattern.compile("JWKSourceBuilder\\.(?:<[^>]*>)?create\\((?![^;]*new JwksRetriever\\()"),
            "a second Jetty client", Pattern.compile("new HttpClient\\("));

    @Test
    void whenTheBrokerReachesOutThenOnlyThroughTheHardenedClient() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }
        assertThat(sources)
                .as("the broker's sources, read from the module directory")
                .hasSizeGreaterThan(50);

        for (Path source : sources) {
            String text = Files.readString(source);
            WAYS_AROUND.forEach((what, pattern) -> {
                boolean allowed = what.equals("a second Jetty client") && source.endsWith("OutboundHttp.java");
                if (!allowed) {
                    assertThat(pattern.matcher(text).find())
                            .as("%s uses %s", source, what)
                            .isFalse();
                }
            });
        }
    }

    @Test
    void whenAKeySourceIsBuiltWithoutTheHardenedRetrieverThenTheScanSeesIt() {
        Pattern keySource = WAYS_AROUND.get(
                "a Nimbus key source that fetches by itself (it must be given the hardened client's JwksRetriever)");

        assertThat(keySource
                        .matcher("JWKSourceBuilder.create(jwksUri.toURL()).build();")
                        .find())
                .isTrue();
        assertThat(keySource
                        .matcher("JWKSourceBuilder.<SecurityContext>create(url, new JwksRetriever(http)).build();")
                        .find())
                .isFalse();
    }
}
