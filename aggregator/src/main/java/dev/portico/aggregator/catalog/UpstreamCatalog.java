package dev.portico.aggregator.catalog;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;

/** What one upstream announced to one session, under the upstream's own names. Immutable. */
public record UpstreamCatalog(
        List<McpSchema.Tool> tools,
        List<McpSchema.Resource> resources,
        List<McpSchema.ResourceTemplate> resourceTemplates,
        List<McpSchema.Prompt> prompts) {

    public static final UpstreamCatalog EMPTY = new UpstreamCatalog(List.of(), List.of(), List.of(), List.of());

    public UpstreamCatalog {
        tools = List.copyOf(tools);
        resources = List.copyOf(resources);
        resourceTemplates = List.copyOf(resourceTemplates);
        prompts = List.copyOf(prompts);
    }

    public UpstreamCatalog withTools(List<McpSchema.Tool> newTools) {
        return new UpstreamCatalog(newTools, resources, resourceTemplates, prompts);
    }

    public UpstreamCatalog withResources(
            List<McpSchema.Resource> newResources, List<McpSchema.ResourceTemplate> newTemplates) {
        return new UpstreamCatalog(tools, newResources, newTemplates, prompts);
    }

    public UpstreamCatalog withPrompts(List<McpSchema.Prompt> newPrompts) {
        return new UpstreamCatalog(tools, resources, resourceTemplates, newPrompts);
    }
}
