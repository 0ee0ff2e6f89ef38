package dev.portico.aggregator.demo;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult.CompleteCompletion;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * What the demo upstream offers: tools {@code echo}, {@code add}, {@code now}, {@code roll_dice}, the resource
 * {@value #ABOUT_URI} and the prompt {@code greeting}.
 */
final class DemoCatalog {

    static final String SERVER_NAME = "portico-demo";
    static final String ABOUT_URI = "demo://about";

    static final int MAX_SIDES = 1000;
    static final int MAX_DICE = 100;

    private static final List<String> NAME_SUGGESTIONS = List.of("Ada", "Grace", "Linus", "Margaret");

    private static final String ABOUT =
            """
            # Portico demo upstream

            This is **portico-demo**, a tiny MCP server that ships inside Portico. `portico demo` starts it
            on 127.0.0.1 and puts Portico in front of it, so you can try the gateway without configuring
            any real upstream.

            Everything you see here reached you *through* Portico: the tools, this resource and the prompt
            are served by the demo upstream and merged into Portico's catalog like those of any other server.

            ## What to try

            | Tool        | What it does                                              |
            |-------------|-----------------------------------------------------------|
            | `echo`      | Sends your text back unchanged.                           |
            | `add`       | Adds two numbers; also returns structured output `{sum}`. |
            | `now`       | The current time in UTC (ISO-8601).                       |
            | `roll_dice` | Rolls `count` dice with `sides` sides each.               |

            The prompt `greeting` takes a `name` and asks the model to say hello.

            ## Next steps

            Point Portico at your own MCP servers in its configuration file; each becomes an upstream,
            and their tools, resources and prompts appear side by side with these.
            """;

    private final Clock clock;
    private final RandomGenerator random;

    DemoCatalog(Clock clock, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    static Implementation serverInfo() {
        String version = DemoCatalog.class.getPackage().getImplementationVersion();
        return Implementation.builder(SERVER_NAME, version == null ? "dev" : version)
                .title("Portico demo upstream")
                .build();
    }

    static ServerCapabilities capabilities() {
        return ServerCapabilities.builder()
                .tools(true)
                .resources(false, true)
                .prompts(true)
                .logging()
                .completions()
                .build();
    }

    /** Registers everything on {@code spec} and builds the server. */
    McpSyncServer buildServer(McpServer.SyncSpecification<?> spec) {
        return spec.serverInfo(serverInfo())
                .instructions("Portico's demo upstream. Try the tools echo, add, now and roll_dice, read the "
                        + ABOUT_URI + " resource, or use the greeting prompt.")
                .capabilities(capabilities())
                .tools(tools())
                .resources(about())
                .prompts(greeting())
                .completions(greetingCompletion())
                .build();
    }

    // ------------------------------------------------------------------ tools

    List<SyncToolSpecification> tools() {
        return List.of(echo(), add(), now(), rollDice());
    }

    private SyncToolSpecification echo() {
        Tool tool = Tool.builder("echo", objectSchema(Map.of("text", prop("string", "The text to send back.")), "text"))
                .title("Echo")
                .description(
                        "Returns the given text unchanged. Handy to check that a round trip through Portico works.")
                .annotations(readOnly("Echo", true))
                .build();
        return spec(tool, (ex, req) -> text(stringArg(req, "text")));
    }

    private SyncToolSpecification add() {
        Map<String, Object> outputSchema = objectSchema(Map.of("sum", prop("number", "a + b")), "sum");
        Tool tool = Tool.builder(
                        "add",
                        objectSchema(
                                ordered(
                                        "a",
                                        prop("number", "The first addend."),
                                        "b",
                                        prop("number", "The second addend.")),
                                "a",
                                "b"))
                .title("Add two numbers")
                .description("Adds two numbers and returns the sum, as text and as structured content {\"sum\": ...}.")
                .outputSchema(outputSchema)
                .annotations(readOnly("Add two numbers", true))
                .build();
        return spec(tool, (ex, req) -> {
            Number a = numberArg(req, "a");
            Number b = numberArg(req, "b");
            if (a == null || b == null) {
                return error("Both 'a' and 'b' must be numbers.");
            }
            Number sum = sum(a, b);
            return CallToolResult.builder()
                    .addTextContent(format(a) + " + " + format(b) + " = " + format(sum))
                    .structuredContent(Map.of("sum", sum))
                    .build();
        });
    }

    private SyncToolSpecification now() {
        Tool tool = Tool.builder("now", objectSchema(Map.of()))
                .title("Current time")
                .description(
                        "Returns the current date and time in UTC, in ISO-8601 format (e.g. 2025-01-31T14:05:09Z).")
                .annotations(readOnly("Current time", false))
                .build();
        return spec(
                tool,
                (ex, req) ->
                        text(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString()));
    }

    private SyncToolSpecification rollDice() {
        Map<String, Object> sides = new LinkedHashMap<>(prop("integer", "Number of sides of each die (default 6)."));
        sides.put("minimum", 2);
        sides.put("maximum", MAX_SIDES);
        sides.put("default", 6);
        Map<String, Object> count = new LinkedHashMap<>(prop("integer", "How many dice to roll (default 1)."));
        count.put("minimum", 1);
        count.put("maximum", MAX_DICE);
        count.put("default", 1);
        Map<String, Object> outputSchema = objectSchema(
                ordered(
                        "rolls",
                        Map.of("type", "array", "items", Map.of("type", "integer")),
                        "total",
                        Map.of("type", "integer")),
                "rolls",
                "total");
        Tool tool = Tool.builder("roll_dice", objectSchema(ordered("sides", sides, "count", count)))
                .title("Roll dice")
                .description(
                        "Rolls `count` dice with `sides` sides each (like 2d6) and reports each roll and the total.")
                .outputSchema(outputSchema)
                .annotations(ToolAnnotations.builder()
                        .title("Roll dice")
                        .readOnlyHint(true)
                        .idempotentHint(false)
                        .openWorldHint(false)
                        .build())
                .build();
        return spec(tool, (ex, req) -> {
            Number sidesArg = numberArg(req, "sides");
            Number countArg = numberArg(req, "count");
            int s = sidesArg == null ? 6 : sidesArg.intValue();
            int c = countArg == null ? 1 : countArg.intValue();
            if (s < 2 || s > MAX_SIDES) {
                return error("'sides' must be between 2 and " + MAX_SIDES + ", got " + s + ".");
            }
            if (c < 1 || c > MAX_DICE) {
                return error("'count' must be between 1 and " + MAX_DICE + ", got " + c + ".");
            }
            List<Integer> rolls = new ArrayList<>(c);
            for (int i = 0; i < c; i++) {
                rolls.add(random.nextInt(1, s + 1));
            }
            int total = rolls.stream().mapToInt(Integer::intValue).sum();
            String text = c == 1
                    ? "Rolled a d" + s + ": " + total
                    : "Rolled " + c + "d" + s + ": "
                            + rolls.stream().map(String::valueOf).collect(Collectors.joining(" + ")) + " = " + total;
            return CallToolResult.builder()
                    .addTextContent(text)
                    .structuredContent(ordered("rolls", rolls, "total", total))
                    .build();
        });
    }

    // ------------------------------------------------------ resource, prompt

    private SyncResourceSpecification about() {
        Resource resource = Resource.builder(ABOUT_URI, "about")
                .title("About the Portico demo upstream")
                .description("What this server is and what to try.")
                .mimeType("text/markdown")
                .build();
        return new SyncResourceSpecification(
                resource, (ex, req) -> ReadResourceResult.builder(List.of(TextResourceContents.builder(ABOUT_URI, ABOUT)
                                .mimeType("text/markdown")
                                .build()))
                        .build());
    }

    private SyncPromptSpecification greeting() {
        Prompt prompt = Prompt.builder("greeting")
                .title("Greeting")
                .description("Asks the model to greet someone by name and say what Portico is.")
                .arguments(List.of(PromptArgument.builder("name")
                        .title("Name")
                        .description("Who to greet.")
                        .required(true)
                        .build()))
                .build();
        return new SyncPromptSpecification(prompt, (ex, req) -> {
            Object nameArg = req.arguments() == null ? null : req.arguments().get("name");
            String name = nameArg == null || nameArg.toString().isBlank() ? "there" : nameArg.toString();
            String message = "Please greet " + name + " warmly, then explain in one sentence that this conversation "
                    + "reaches its tools through Portico, an MCP gateway.";
            return GetPromptResult.builder(List.of(new PromptMessage(
                            Role.USER, TextContent.builder(message).build())))
                    .description("A greeting for " + name)
                    .build();
        });
    }

    private SyncCompletionSpecification greetingCompletion() {
        return new SyncCompletionSpecification(new PromptReference("greeting"), (ex, req) -> {
            String prefix = req.argument() == null || req.argument().value() == null
                    ? ""
                    : req.argument().value().toLowerCase(Locale.ROOT);
            List<String> values = NAME_SUGGESTIONS.stream()
                    .filter(n -> n.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .toList();
            return new CompleteResult(new CompleteCompletion(values, values.size(), false));
        });
    }

    // ---------------------------------------------------------------- helpers

    private static SyncToolSpecification spec(
            Tool tool, BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> h) {
        return new SyncToolSpecification(tool, h);
    }

    private static ToolAnnotations readOnly(String title, boolean idempotent) {
        return ToolAnnotations.builder()
                .title(title)
                .readOnlyHint(true)
                .idempotentHint(idempotent)
                .openWorldHint(false)
                .build();
    }

    static Map<String, Object> objectSchema(Map<String, Object> properties, String... required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (required.length > 0) {
            schema.put("required", List.of(required));
        }
        return schema;
    }

    private static Map<String, Object> prop(String type, String description) {
        Map<String, Object> prop = new LinkedHashMap<>();
        prop.put("type", type);
        prop.put("description", description);
        return prop;
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    private static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).build();
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    private static String stringArg(CallToolRequest req, String name) {
        Object value = req.arguments() == null ? null : req.arguments().get(name);
        return value == null ? "" : value.toString();
    }

    private static Number numberArg(CallToolRequest req, String name) {
        Object value = req.arguments() == null ? null : req.arguments().get(name);
        if (value instanceof Number n) {
            return n;
        }
        if (value instanceof String s) {
            try {
                return new BigDecimal(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean integral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
    }

    /** Integer arithmetic when both are integers (3 + 4 = 7, not 7.0), exact decimal arithmetic otherwise. */
    static Number sum(Number a, Number b) {
        if (integral(a) && integral(b)) {
            try {
                return Math.addExact(a.longValue(), b.longValue());
            } catch (ArithmeticException overflow) {
                // fall through to decimals
            }
        }
        BigDecimal exact = new BigDecimal(a.toString()).add(new BigDecimal(b.toString()));
        return exact.stripTrailingZeros().scale() <= 0 && exact.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                ? (Number) exact.longValueExact()
                : (Number) exact.doubleValue();
    }

    private static String format(Number n) {
        if (n instanceof Double || n instanceof Float || n instanceof BigDecimal) {
            BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
            return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
        }
        return n.toString();
    }
}
