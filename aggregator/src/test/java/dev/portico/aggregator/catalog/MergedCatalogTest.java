package dev.portico.aggregator.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.config.ReconnectPolicy;
import dev.portico.config.UpstreamConfig;
import dev.portico.config.UpstreamTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MergedCatalogTest {

    private static UpstreamConfig upstream(String name, String prefix) {
        return new UpstreamConfig(
                name,
                UpstreamTransport.STREAMABLE_HTTP,
                Optional.of(URI.create("http://127.0.0.1:1/mcp")),
                prefix,
                Map.of(),
                Duration.ofSeconds(1),
                Optional.empty(),
                List.of(),
                Map.of(),
                ReconnectPolicy.DEFAULT,
                Duration.ZERO);
    }

    private static McpSchema.Tool tool(String name) {
        return McpSchema.Tool.builder(name, Map.<String, Object>of("type", "object"))
                .description("tool " + name)
                .build();
    }

    private static UpstreamCatalog tools(String... names) {
        return new UpstreamCatalog(
                List.of(names).stream().map(MergedCatalogTest::tool).toList(), List.of(), List.of(), List.of());
    }

    @Test
    void whenMergingThenToolsArePrefixedAndRoutedToTheirOwner() {
        Map<UpstreamConfig, UpstreamCatalog> input = new LinkedHashMap<>();
        input.put(upstream("github", "github"), tools("search"));
        input.put(upstream("files", "fs"), tools("search", "read"));

        MergedCatalog merged = MergedCatalog.merge(input, conflict -> {});

        assertThat(merged.tools())
                .extracting(McpSchema.Tool::name)
                .containsExactly("github__search", "fs__search", "fs__read");
        assertThat(merged.tool("fs__read")).contains(new Route("files", "read"));
        assertThat(merged.tool("fs__read").orElseThrow().upstreamName()).isEqualTo("read");
        assertThat(merged.tools().get(0).description()).isEqualTo("tool search");
    }

    @Test
    void whenTwoUnprefixedUpstreamsShareAToolNameThenTheFirstWinsAndTheClashIsReported() {
        Map<UpstreamConfig, UpstreamCatalog> input = new LinkedHashMap<>();
        input.put(upstream("one", ""), tools("search"));
        input.put(upstream("two", ""), tools("search", "other"));
        List<String> conflicts = new ArrayList<>();

        MergedCatalog merged = MergedCatalog.merge(input, conflicts::add);

        assertThat(merged.tools()).extracting(McpSchema.Tool::name).containsExactly("search", "other");
        assertThat(merged.tool("search")).contains(new Route("one", "search"));
        assertThat(conflicts)
                .singleElement()
                .asString()
                .contains("'one'")
                .contains("'two'")
                .contains("toolPrefix");
    }

    @Test
    void whenAResourceMatchesATemplateThenItIsRoutedToTheTemplateOwner() {
        Map<UpstreamConfig, UpstreamCatalog> input = new LinkedHashMap<>();
        input.put(
                upstream("docs", "docs"),
                new UpstreamCatalog(
                        List.of(),
                        List.of(McpSchema.Resource.builder("docs://readme", "readme")
                                .build()),
                        List.of(new McpSchema.ResourceTemplate("docs://pages/{page}", "page", null, null, null)),
                        List.of()));

        MergedCatalog merged = MergedCatalog.merge(input, conflict -> {});

        assertThat(merged.resourceOwner("docs://readme")).contains("docs");
        assertThat(merged.resourceOwner("docs://pages/intro")).contains("docs");
        assertThat(merged.resourceOwner("other://x")).isEmpty();
    }
}
