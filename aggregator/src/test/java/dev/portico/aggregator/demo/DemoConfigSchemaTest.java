package dev.portico.aggregator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The config {@code portico demo} builds in code meets {@code docs/config.schema.json}, like every example config in
 * the repository (the config module's ConfigSchemaTest checks those, and the schema against the loader). The validator
 * is the one the MCP SDK depends on (mcp-json-jackson2); declaring it here with test scope would take it away from
 * the SDK at run time.
 */
class DemoConfigSchemaTest {

    @Test
    void theDemoConfigMeetsTheConfigSchema() throws Exception {
        // Surefire runs in the module directory; the docs live at the repository root.
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(new ObjectMapper()
                        .readTree(Path.of("..", "docs", "config.schema.json").toFile()));
        String yaml = DemoConfig.yaml(
                URI.create("http://127.0.0.1:40001/mcp"), Optional.of(URI.create("http://127.0.0.1:40002/mcp")), 8080);

        assertThat(schema.validate(new YAMLMapper().readTree(yaml)))
                .extracting(Error::toString)
                .isEmpty();
    }
}
