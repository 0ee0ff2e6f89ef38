package dev.portico.aggregator.catalog;

import dev.portico.config.UpstreamConfig;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.util.DefaultMcpUriTemplateManagerFactory;
import io.modelcontextprotocol.util.McpUriTemplateManagerFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The catalog one downstream session sees: every reachable upstream's tools and prompts under prefixed names, its
 * resources under their own URIs, and the routes back to the owners. Immutable; a new one is built whenever an
 * upstream's announcement changes, so a session always lists and routes against the same snapshot.
 *
 * <p>Names are unique by construction for distinct prefixes (upstream names contain no {@code __}); two upstreams
 * exposed without prefix can still clash, and then the one configured first wins and the clash is reported.
 */
public final class MergedCatalog {

    public static final MergedCatalog EMPTY =
            new MergedCatalog(List.of(), List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), List.of());

    /** The owner named in routes to Portico's own tools and resources. */
    public static final String PORTICO = "portico";

    private static final McpUriTemplateManagerFactory TEMPLATES = new DefaultMcpUriTemplateManagerFactory();

    private final List<McpSchema.Tool> tools;
    private final List<McpSchema.Prompt> prompts;
    private final List<McpSchema.Resource> resources;
    private final List<McpSchema.ResourceTemplate> resourceTemplates;
    private final Map<String, Route> toolRoutes;
    private final Map<String, Route> promptRoutes;
    private final Map<String, String> resourceOwners;
    private final List<TemplateOwner> templateOwners;

    private record TemplateOwner(String uriTemplate, String upstream) {}

    private MergedCatalog(
            List<McpSchema.Tool> tools,
            List<McpSchema.Prompt> prompts,
            List<McpSchema.Resource> resources,
            List<McpSchema.ResourceTemplate> resourceTemplates,
            Map<String, Route> toolRoutes,
            Map<String, Route> promptRoutes,
            Map<String, String> resourceOwners,
            List<TemplateOwner> templateOwners) {
        this.tools = List.copyOf(tools);
        this.prompts = List.copyOf(prompts);
        this.resources = List.copyOf(resources);
        this.resourceTemplates = List.copyOf(resourceTemplates);
        this.toolRoutes = Map.copyOf(toolRoutes);
        this.promptRoutes = Map.copyOf(promptRoutes);
        this.resourceOwners = Map.copyOf(resourceOwners);
        this.templateOwners = List.copyOf(templateOwners);
    }

    /**
     * Merges the announcements of the given upstreams, in the given (config) order.
     *
     * @param conflicts told of each name or URI dropped because an earlier upstream already exposes it
     */
    public static MergedCatalog merge(Map<UpstreamConfig, UpstreamCatalog> byUpstream, Consumer<String> conflicts) {
        return merge(List.of(), List.of(), byUpstream, conflicts);
    }

    /**
     * Like {@link #merge(Map, Consumer)}, with Portico's own tools and resources first; their names are reserved, so
     * an upstream exposing one of them loses it.
     */
    public static MergedCatalog merge(
            List<McpSchema.Tool> ownTools,
            List<McpSchema.Resource> ownResources,
            Map<UpstreamConfig, UpstreamCatalog> byUpstream,
            Consumer<String> conflicts) {
        List<McpSchema.Tool> tools = new ArrayList<>(ownTools);
        List<McpSchema.Prompt> prompts = new ArrayList<>();
        List<McpSchema.Resource> resources = new ArrayList<>(ownResources);
        List<McpSchema.ResourceTemplate> templates = new ArrayList<>();
        Map<String, Route> toolRoutes = new LinkedHashMap<>();
        Map<String, Route> promptRoutes = new LinkedHashMap<>();
        Map<String, String> resourceOwners = new LinkedHashMap<>();
        List<TemplateOwner> templateOwners = new ArrayList<>();
        ownTools.forEach(tool -> toolRoutes.put(tool.name(), new Route(PORTICO, tool.name())));
        ownResources.forEach(resource -> resourceOwners.put(resource.uri(), PORTICO));

        byUpstream.forEach((upstream, catalog) -> {
            for (McpSchema.Tool tool : catalog.tools()) {
                String exposed = upstream.exposedName(tool.name());
                Route previous = toolRoutes.putIfAbsent(exposed, new Route(upstream.name(), tool.name()));
                if (previous != null) {
                    conflicts.accept(clash("tool", exposed, previous.upstream(), upstream.name()));
                } else {
                    tools.add(renamed(tool, exposed));
                }
            }
            for (McpSchema.Prompt prompt : catalog.prompts()) {
                String exposed = upstream.exposedName(prompt.name());
                Route previous = promptRoutes.putIfAbsent(exposed, new Route(upstream.name(), prompt.name()));
                if (previous != null) {
                    conflicts.accept(clash("prompt", exposed, previous.upstream(), upstream.name()));
                } else {
                    prompts.add(new McpSchema.Prompt(
                            exposed,
                            prompt.title(),
                            prompt.description(),
                            prompt.arguments(),
                            prompt.meta(),
                            prompt.icons()));
                }
            }
            for (McpSchema.Resource resource : catalog.resources()) {
                String previous = resourceOwners.putIfAbsent(resource.uri(), upstream.name());
                if (previous != null) {
                    conflicts.accept(clash("resource", resource.uri(), previous, upstream.name()));
                } else {
                    resources.add(resource);
                }
            }
            for (McpSchema.ResourceTemplate template : catalog.resourceTemplates()) {
                boolean taken =
                        templateOwners.stream().anyMatch(t -> t.uriTemplate().equals(template.uriTemplate()));
                if (taken) {
                    conflicts.accept(clash(
                            "resource template",
                            template.uriTemplate(),
                            ownerOfTemplate(templateOwners, template.uriTemplate()),
                            upstream.name()));
                } else {
                    templateOwners.add(new TemplateOwner(template.uriTemplate(), upstream.name()));
                    templates.add(template);
                }
            }
        });
        return new MergedCatalog(
                tools, prompts, resources, templates, toolRoutes, promptRoutes, resourceOwners, templateOwners);
    }

    private static String ownerOfTemplate(List<TemplateOwner> owners, String uriTemplate) {
        return owners.stream()
                .filter(t -> t.uriTemplate().equals(uriTemplate))
                .map(TemplateOwner::upstream)
                .findFirst()
                .orElse("?");
    }

    private static String clash(String kind, String name, String kept, String dropped) {
        return kind + " '" + name + "' is exposed by both upstream '" + kept + "' and upstream '" + dropped
                + "'; keeping the one from '" + kept + "' (give one of them a distinct toolPrefix)";
    }

    private static McpSchema.Tool renamed(McpSchema.Tool tool, String exposedName) {
        if (tool.name().equals(exposedName)) {
            return tool;
        }
        return new McpSchema.Tool(
                exposedName,
                tool.title(),
                tool.description(),
                tool.inputSchema(),
                tool.outputSchema(),
                tool.annotations(),
                tool.meta(),
                tool.icons());
    }

    public List<McpSchema.Tool> tools() {
        return tools;
    }

    public List<McpSchema.Prompt> prompts() {
        return prompts;
    }

    public List<McpSchema.Resource> resources() {
        return resources;
    }

    public List<McpSchema.ResourceTemplate> resourceTemplates() {
        return resourceTemplates;
    }

    public Optional<Route> tool(String exposedName) {
        return Optional.ofNullable(toolRoutes.get(exposedName));
    }

    public Optional<Route> prompt(String exposedName) {
        return Optional.ofNullable(promptRoutes.get(exposedName));
    }

    /** The upstream serving {@code uri}: the one that listed it, else the first whose template matches it. */
    public Optional<String> resourceOwner(String uri) {
        String owner = resourceOwners.get(uri);
        if (owner != null) {
            return Optional.of(owner);
        }
        return templateOwners.stream()
                .filter(t -> TEMPLATES.create(t.uriTemplate()).matches(uri))
                .map(TemplateOwner::upstream)
                .findFirst();
    }

    /** The upstream owning a resource template, for completion requests that reference it. */
    public Optional<String> templateOwner(String uriTemplate) {
        return templateOwners.stream()
                .filter(t -> t.uriTemplate().equals(uriTemplate))
                .map(TemplateOwner::upstream)
                .findFirst();
    }

    /** True when the two catalogs list the same tools (used to decide whether to announce a change). */
    public boolean sameTools(MergedCatalog other) {
        return tools.equals(other.tools);
    }

    public boolean sameResources(MergedCatalog other) {
        return resources.equals(other.resources) && resourceTemplates.equals(other.resourceTemplates);
    }

    public boolean samePrompts(MergedCatalog other) {
        return prompts.equals(other.prompts);
    }
}
