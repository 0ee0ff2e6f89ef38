package dev.portico.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceUrisTest {

    @ParameterizedTest
    @CsvSource({
        "HTTPS://MCP.Example.com:443/mcp/#x,   https://mcp.example.com/mcp",
        "https://mcp.example.com,              https://mcp.example.com",
        "https://mcp.example.com/,             https://mcp.example.com/",
        "http://mcp.example.com:80/a/b//,      http://mcp.example.com/a/b",
        "https://mcp.example.com:8443/mcp,     https://mcp.example.com:8443/mcp",
        "https://user@mcp.example.com/mcp?x=1, https://mcp.example.com/mcp?x=1",
        "https://MCP.example.com/Path,         https://mcp.example.com/Path",
    })
    void whenAUrlIsCanonicalisedThenSchemeAndHostAreLowerAndDefaultPortAndTrailingSlashGo(
            String url, String canonical) {
        assertThat(ResourceUris.canonicalResource(URI.create(url))).isEqualTo(URI.create(canonical));
    }

    @ParameterizedTest
    @CsvSource({
        "https://h.example.com/mcp,      https://h.example.com/mcp,        true",
        "https://h.example.com/mcp,      https://h.example.com/mcp/,       true",
        "https://h.example.com/mcp/,     https://h.example.com/mcp,        true",
        "https://h.example.com/mcp,      https://h.example.com/mcp/tools,  true",
        "https://h.example.com,          https://h.example.com/mcp,        true",
        "https://h.example.com/,         https://h.example.com/mcp,        true",
        "https://H.EXAMPLE.com:443/mcp,  https://h.example.com/mcp,        true",
        "https://h.example.com/mcp,      https://h.example.com/mcpx,       false",
        "https://h.example.com/mcp/a,    https://h.example.com/mcp,        false",
        "https://h.example.com/mcp,      http://h.example.com/mcp,         false",
        "https://h.example.com/mcp,      https://h.example.com:8443/mcp,   false",
        "https://other.example.com/mcp,  https://h.example.com/mcp,        false",
        "https://h.example.com/MCP,      https://h.example.com/mcp,        false",
    })
    void whenAResourceIsComparedWithAnUpstreamThenOriginMustMatchAndPathMustBeEqualOrAParent(
            String resource, String upstream, boolean covers) {
        assertThat(ResourceUris.covers(URI.create(resource), URI.create(upstream)))
                .isEqualTo(covers);
    }
}
