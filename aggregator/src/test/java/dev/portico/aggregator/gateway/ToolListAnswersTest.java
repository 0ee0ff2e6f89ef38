package dev.portico.aggregator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.aggregator.catalog.MergedCatalog;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolListAnswersTest {

    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private final ToolListAnswers answers = new ToolListAnswers(json);

    @Test
    void whenSerializedThenTheAnswerIsTheListToolsResultOfTheCatalog() throws Exception {
        MergedCatalog catalog = catalog("a__echo", "b__add");

        String written = json.writeValueAsString(answers.answer(catalog));

        McpSchema.ListToolsResult read = json.readValue(written, McpSchema.ListToolsResult.class);
        assertThat(read.tools()).isEqualTo(catalog.tools());
        assertThat(read.nextCursor()).isNull();
    }

    @Test
    void whenTheSameSnapshotIsListedAgainThenItIsNotSerializedAgain() {
        MergedCatalog catalog = catalog("a__echo");

        assertThat(answers.answer(catalog)).isSameAs(answers.answer(catalog));
    }

    @Test
    void whenTheSnapshotIsReplacedThenTheNewToolsAreListed() throws Exception {
        answers.answer(catalog("a__echo"));

        String written = json.writeValueAsString(answers.answer(catalog("a__echo", "a__added")));

        assertThat(json.readValue(written, McpSchema.ListToolsResult.class).tools())
                .extracting(McpSchema.Tool::name)
                .containsExactly("a__echo", "a__added");
    }

    private static MergedCatalog catalog(String... toolNames) {
        List<McpSchema.Tool> tools = java.util.Arrays.stream(toolNames)
                .map(name -> McpSchema.Tool.builder(name, Map.of("type", "object"))
                        .description("the tool " + name)
                        .build())
                .toList();
        return MergedCatalog.merge(tools, List.of(), Map.of(), conflict -> {});
    }
}
