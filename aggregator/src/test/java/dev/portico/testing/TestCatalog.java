package dev.portico.testing;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult.CompleteCompletion;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitFormRequest;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceReference;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.Root;
import io.modelcontextprotocol.spec.McpSchema.SamplingMessage;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.util.DefaultMcpUriTemplateManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The catalog of the test upstreams (tools, resources, prompts, completions), defined once and registered on any
 * {@link McpServer.AsyncSpecification}: streamable HTTP and SSE ({@link TestUpstream}) and stdio
 * ({@link StdioTestUpstream}).
 *
 * <p>One instance serves one server lifetime: its state (per-session counters, in-flight slow calls) starts empty, as
 * in a freshly started process. Every text that names an upstream uses {@link #id()}, so tests can tell upstreams
 * apart.
 */
public final class TestCatalog {

    /** All tool names of the catalog, in registration order. */
    public static final List<String> TOOL_NAMES = List.of(
            "echo",
            "whoami",
            "counter",
            "image",
            "audio",
            "embedded",
            "structured",
            "fail",
            "progress",
            "sample",
            "elicit",
            "roots",
            "log",
            "slow",
            "add_tool",
            "trace");

    /**
     * Key of the {@link io.modelcontextprotocol.common.McpTransportContext} entry holding the transport-level session
     * id (the {@code Mcp-Session-Id} header, or the SSE transport's {@code sessionId} query parameter). The SSE
     * transport's {@code exchange.sessionId()} is a different, internal id, so cancellation is keyed by this one.
     */
    public static final String TRANSPORT_SESSION_KEY = "portico.test.transportSessionId";

    /**
     * Key of the {@link io.modelcontextprotocol.common.McpTransportContext} entry holding the W3C trace headers of the
     * HTTP request that carried a message ({@code traceparent}, {@code tracestate}; each with its field lines), which
     * the {@code trace} tool reports.
     */
    public static final String TRACE_HEADERS_KEY = "portico.test.traceHeaders";

    /** The values the {@code greet} prompt's {@code name} argument completes to. */
    public static final List<String> NAME_COMPLETIONS = List.of("alice", "bob");

    /** The values the {@code item} variable of the items resource template completes to. */
    public static final List<String> ITEM_COMPLETIONS = List.of("apple", "banana");

    /** A 1x1 transparent PNG. */
    public static final String PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    /** A valid WAV file: 8 kHz, mono, 8-bit, 16 samples of silence. */
    public static final String WAV_BASE64 = Base64.getEncoder().encodeToString(silentWav(16));

    private final String id;
    private final McpJsonMapper json;
    private final AtomicBoolean sawCancellation;
    private final AtomicReference<McpAsyncServer> server = new AtomicReference<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final Map<String, Set<Sinks.One<Boolean>>> inFlightSlowCalls = new ConcurrentHashMap<>();

    public TestCatalog(String id) {
        this(id, new AtomicBoolean());
    }

    /**
     * @param sawCancellation set to true when a {@code slow} call is cancelled or disposed; shared so that a
     *     {@link TestUpstream} keeps the flag across restarts
     */
    public TestCatalog(String id, AtomicBoolean sawCancellation) {
        this.id = Objects.requireNonNull(id, "id");
        this.json = McpJsonDefaults.getMapper();
        this.sawCancellation = Objects.requireNonNull(sawCancellation, "sawCancellation");
    }

    public String id() {
        return id;
    }

    public boolean sawCancellation() {
        return sawCancellation.get();
    }

    /** The server built by {@link #buildServer}, or null before. */
    public McpAsyncServer server() {
        return server.get();
    }

    /** The capabilities every test upstream advertises. */
    public static ServerCapabilities capabilities() {
        return ServerCapabilities.builder()
                .tools(true)
                .resources(true, true)
                .prompts(true)
                .logging()
                .completions()
                .build();
    }

    /** Registers the whole catalog on {@code spec}, builds the server and remembers it (for {@code add_tool}). */
    public McpAsyncServer buildServer(McpServer.AsyncSpecification<?> spec) {
        spec.serverInfo(Implementation.builder("test-upstream-" + id, "1.0.0").build())
                .instructions("Portico test upstream '" + id + "'.")
                .capabilities(capabilities())
                .requestTimeout(Duration.ofSeconds(30))
                .tools(tools())
                .resources(staticResource())
                .resourceTemplates(itemsTemplate())
                .prompts(greetPrompt())
                .completions(completions());
        McpAsyncServer built = spec.build();
        server.set(built);
        return built;
    }

    /**
     * Cancels every {@code slow} call in flight on the given upstream session (the SDK server itself ignores
     * {@code notifications/cancelled}; {@link TestUpstream} observes them on the wire and calls this).
     *
     * @param sessionId the transport-level session id (see {@link #TRANSPORT_SESSION_KEY})
     */
    /** Whether a {@code slow} call of any session is running now. */
    public boolean hasSlowCallInFlight() {
        return inFlightSlowCalls.values().stream().anyMatch(calls -> !calls.isEmpty());
    }

    public void cancelSlowCalls(String sessionId) {
        Set<Sinks.One<Boolean>> calls = sessionId == null ? null : inFlightSlowCalls.get(sessionId);
        if (calls != null) {
            calls.forEach(sink -> sink.tryEmitValue(true));
        }
    }

    /** How many {@code slow} calls are running now, over every session: a test's sign that its call arrived. */
    public int slowCallsInFlight() {
        return inFlightSlowCalls.values().stream().mapToInt(Set::size).sum();
    }

    // ------------------------------------------------------------------ tools

    List<AsyncToolSpecification> tools() {
        return List.of(
                tool(
                        "echo",
                        "Returns the given text unchanged.",
                        objectSchema(Map.of("text", prop("string", "Text to echo")), "text"),
                        (ex, req) -> Mono.just(text(stringArg(req, "text")))),
                tool(
                        "whoami",
                        "Returns the id of this upstream.",
                        objectSchema(Map.of()),
                        (ex, req) -> Mono.just(text(id))),
                tool(
                        "counter",
                        "Increments a counter kept per upstream MCP session and returns the new value.",
                        objectSchema(Map.of()),
                        (ex, req) -> Mono.just(text(String.valueOf(
                                counters.computeIfAbsent(String.valueOf(ex.sessionId()), k -> new AtomicInteger())
                                        .incrementAndGet())))),
                tool(
                        "image",
                        "Returns a tiny PNG image.",
                        objectSchema(Map.of()),
                        (ex, req) -> Mono.just(result(
                                ImageContent.builder(PNG_BASE64, "image/png").build()))),
                tool(
                        "audio",
                        "Returns a short silent WAV clip.",
                        objectSchema(Map.of()),
                        (ex, req) -> Mono.just(result(
                                AudioContent.builder(WAV_BASE64, "audio/wav").build()))),
                tool(
                        "embedded",
                        "Returns an embedded text resource.",
                        objectSchema(Map.of()),
                        (ex, req) -> Mono.just(result(EmbeddedResource.builder(TextResourceContents.builder(
                                                "test://" + id + "/embedded", "embedded from " + id)
                                        .mimeType("text/plain")
                                        .build())
                                .build()))),
                structuredTool(),
                tool(
                        "fail",
                        "Always fails with isError=true.",
                        objectSchema(Map.of()),
                        (ex, req) -> Mono.just(CallToolResult.builder()
                                .addTextContent("deliberate failure from " + id)
                                .isError(true)
                                .build())),
                tool(
                        "progress",
                        "Sends one progress notification per step, then returns.",
                        objectSchema(Map.of("steps", prop("integer", "Number of steps")), "steps"),
                        this::progress),
                tool(
                        "sample",
                        "Asks the client to sample an LLM with the given prompt.",
                        objectSchema(Map.of("prompt", prop("string", "The user message to sample")), "prompt"),
                        this::sample),
                tool(
                        "elicit",
                        "Asks the client for an answer via form elicitation.",
                        objectSchema(Map.of("message", prop("string", "The question shown to the user")), "message"),
                        this::elicit),
                tool(
                        "roots",
                        "Lists the client's roots and returns their URIs joined by ','.",
                        objectSchema(Map.of()),
                        (ex, req) -> ex.listRoots()
                                .map(r -> text(r.roots().stream().map(Root::uri).collect(Collectors.joining(","))))),
                tool(
                        "log",
                        "Sends a logging notification (level info, logger = upstream id).",
                        objectSchema(Map.of("message", prop("string", "The log message")), "message"),
                        (ex, req) -> ex.loggingNotification(
                                        LoggingMessageNotification.builder(LoggingLevel.INFO, stringArg(req, "message"))
                                                .logger(id)
                                                .build())
                                .thenReturn(text("logged"))),
                tool(
                        "slow",
                        "Waits the given number of milliseconds, then returns; cancellable.",
                        objectSchema(Map.of("millis", prop("integer", "How long to wait")), "millis"),
                        this::slow),
                tool(
                        "add_tool",
                        "Registers a new tool with the given name at runtime (sends notifications/tools/list_changed).",
                        objectSchema(Map.of("name", prop("string", "Name of the new tool")), "name"),
                        this::addTool),
                tool(
                        "trace",
                        "Returns the W3C trace headers of the HTTP request that carried this call, as"
                                + " {\"traceparent\": [...], \"tracestate\": [...]} (absent headers left out).",
                        objectSchema(Map.of()),
                        (ex, req) -> Mono.just(text(toJson(traceHeaders(ex))))));
    }

    private static Object traceHeaders(McpAsyncServerExchange ex) {
        Object headers =
                ex.transportContext() == null ? null : ex.transportContext().get(TRACE_HEADERS_KEY);
        return headers != null ? headers : Map.of();
    }

    private AsyncToolSpecification structuredTool() {
        Map<String, Object> outputSchema = new LinkedHashMap<>();
        outputSchema.put("type", "object");
        outputSchema.put("properties", Map.of("sum", Map.of("type", "number"), "product", Map.of("type", "number")));
        outputSchema.put("required", List.of("sum", "product"));
        Tool tool = Tool.builder(
                        "structured",
                        objectSchema(
                                Map.of("a", prop("number", "First operand"), "b", prop("number", "Second operand")),
                                "a",
                                "b"))
                .description("Returns the sum and product of a and b as structured content.")
                .outputSchema(outputSchema)
                .build();
        return new AsyncToolSpecification(tool, (ex, req) -> {
            Number a = numberArg(req, "a");
            Number b = numberArg(req, "b");
            Map<String, Object> structured = new LinkedHashMap<>();
            structured.put("sum", sum(a, b));
            structured.put("product", product(a, b));
            return Mono.just(CallToolResult.builder()
                    .addTextContent(toJson(structured))
                    .structuredContent(structured)
                    .build());
        });
    }

    private Mono<CallToolResult> progress(McpAsyncServerExchange ex, CallToolRequest req) {
        int steps = numberArg(req, "steps").intValue();
        Object token = req.progressToken();
        Mono<Void> notifications = token == null
                ? Mono.empty()
                : Flux.range(1, Math.max(steps, 0))
                        .concatMap(i -> ex.progressNotification(ProgressNotification.builder(token, i)
                                .total((double) steps)
                                .message("step " + i)
                                .build()))
                        .then();
        return notifications.thenReturn(text("done " + steps));
    }

    private Mono<CallToolResult> sample(McpAsyncServerExchange ex, CallToolRequest req) {
        CreateMessageRequest request = CreateMessageRequest.builder(
                        List.of(new SamplingMessage(
                                Role.USER,
                                TextContent.builder(stringArg(req, "prompt")).build())),
                        100)
                .build();
        return ex.createMessage(request).map(r -> text("sampled: " + textOf(r.content())));
    }

    private Mono<CallToolResult> elicit(McpAsyncServerExchange ex, CallToolRequest req) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("answer", Map.of("type", "string")));
        schema.put("required", List.of("answer"));
        ElicitFormRequest request =
                ElicitFormRequest.builder(stringArg(req, "message"), schema).build();
        return ex.createElicitation(request).map(r -> {
            Object answer = r.content() == null ? null : r.content().get("answer");
            String action = r.action() == null ? "null" : r.action().name().toLowerCase(Locale.ROOT);
            return text(("elicited: " + action + " " + (answer == null ? "" : answer)).strip());
        });
    }

    private Mono<CallToolResult> slow(McpAsyncServerExchange ex, CallToolRequest req) {
        long millis = numberArg(req, "millis").longValue();
        String session = transportSessionId(ex);
        Sinks.One<Boolean> cancel = Sinks.one();
        return Mono.defer(() -> {
                    inFlightSlowCalls
                            .computeIfAbsent(session, k -> ConcurrentHashMap.newKeySet())
                            .add(cancel);
                    return Mono.delay(Duration.ofMillis(millis))
                            .doOnCancel(() -> sawCancellation.set(true))
                            .map(tick -> text("slept " + millis))
                            .takeUntilOther(cancel.asMono());
                })
                .doOnCancel(() -> sawCancellation.set(true))
                .doFinally(signal -> {
                    Set<Sinks.One<Boolean>> calls = inFlightSlowCalls.get(session);
                    if (calls != null) {
                        calls.remove(cancel);
                    }
                });
    }

    private Mono<CallToolResult> addTool(McpAsyncServerExchange ex, CallToolRequest req) {
        String name = stringArg(req, "name");
        McpAsyncServer current = server.get();
        if (current == null) {
            return Mono.just(CallToolResult.builder()
                    .addTextContent("server not built yet")
                    .isError(true)
                    .build());
        }
        AsyncToolSpecification added = tool(
                name,
                "Tool added at runtime to upstream " + id + ".",
                objectSchema(Map.of()),
                (e, r) -> Mono.just(text(name + " from " + id)));
        // addTool itself sends notifications/tools/list_changed because the tools capability has listChanged=true.
        return current.addTool(added).thenReturn(text("added"));
    }

    // -------------------------------------------------------------- resources

    AsyncResourceSpecification staticResource() {
        String uri = "test://" + id + "/static";
        Resource resource = Resource.builder(uri, "static")
                .title("Static resource of " + id)
                .description("A static text resource.")
                .mimeType("text/plain")
                .build();
        return new AsyncResourceSpecification(resource, (ex, req) -> Mono.just(textResource(uri, "static from " + id)));
    }

    AsyncResourceTemplateSpecification itemsTemplate() {
        String uriTemplate = "test://" + id + "/items/{item}";
        ResourceTemplate template = ResourceTemplate.builder(uriTemplate, "items")
                .title("Items of " + id)
                .description("One text resource per item.")
                .mimeType("text/plain")
                .build();
        DefaultMcpUriTemplateManager matcher = new DefaultMcpUriTemplateManager(uriTemplate);
        return new AsyncResourceTemplateSpecification(template, (ex, req) -> {
            String item = matcher.extractVariableValues(req.uri()).get("item");
            return Mono.just(textResource(req.uri(), "item " + item + " from " + id));
        });
    }

    // ---------------------------------------------------------------- prompts

    AsyncPromptSpecification greetPrompt() {
        Prompt prompt = Prompt.builder("greet")
                .description("A greeting from " + id + ".")
                .arguments(List.of(PromptArgument.builder("name")
                        .description("Who to greet")
                        .required(true)
                        .build()))
                .build();
        return new AsyncPromptSpecification(prompt, (ex, req) -> {
            Object name = req.arguments() == null ? null : req.arguments().get("name");
            return Mono.just(GetPromptResult.builder(List.of(new PromptMessage(
                            Role.USER,
                            TextContent.builder("Hello " + name + " from " + id).build())))
                    .description("Greeting from " + id)
                    .build());
        });
    }

    List<AsyncCompletionSpecification> completions() {
        return List.of(
                new AsyncCompletionSpecification(
                        new PromptReference("greet"),
                        (ex, req) -> Mono.just(new CompleteResult(
                                new CompleteCompletion(NAME_COMPLETIONS, NAME_COMPLETIONS.size(), false)))),
                new AsyncCompletionSpecification(
                        new ResourceReference("test://" + id + "/items/{item}"),
                        (ex, req) -> Mono.just(new CompleteResult(
                                new CompleteCompletion(ITEM_COMPLETIONS, ITEM_COMPLETIONS.size(), false)))));
    }

    // ---------------------------------------------------------------- helpers

    private static String transportSessionId(McpAsyncServerExchange ex) {
        Object fromTransport =
                ex.transportContext() == null ? null : ex.transportContext().get(TRANSPORT_SESSION_KEY);
        return fromTransport != null ? fromTransport.toString() : String.valueOf(ex.sessionId());
    }

    private static AsyncToolSpecification tool(
            String name,
            String description,
            Map<String, Object> inputSchema,
            BiFunction<McpAsyncServerExchange, CallToolRequest, Mono<CallToolResult>> handler) {
        Tool tool = Tool.builder(name, inputSchema).description(description).build();
        return new AsyncToolSpecification(tool, handler);
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

    static Map<String, Object> prop(String type, String description) {
        return Map.of("type", type, "description", description);
    }

    static CallToolResult text(String text) {
        return CallToolResult.builder().addTextContent(text).build();
    }

    static ReadResourceResult textResource(String uri, String text) {
        return ReadResourceResult.builder(List.of(TextResourceContents.builder(uri, text)
                        .mimeType("text/plain")
                        .build()))
                .build();
    }

    static CallToolResult result(Content content) {
        return CallToolResult.builder().addContent(content).build();
    }

    static String stringArg(CallToolRequest req, String name) {
        Object value = req.arguments() == null ? null : req.arguments().get(name);
        return value == null ? "" : value.toString();
    }

    static Number numberArg(CallToolRequest req, String name) {
        Object value = req.arguments() == null ? null : req.arguments().get(name);
        if (value instanceof Number n) {
            return n;
        }
        if (value != null) {
            try {
                return Double.valueOf(value.toString());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        return 0;
    }

    private static boolean integral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
    }

    static Number sum(Number a, Number b) {
        if (integral(a) && integral(b)) {
            return a.longValue() + b.longValue();
        }
        return a.doubleValue() + b.doubleValue();
    }

    static Number product(Number a, Number b) {
        if (integral(a) && integral(b)) {
            return a.longValue() * b.longValue();
        }
        return a.doubleValue() * b.doubleValue();
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String textOf(Content content) {
        return content instanceof TextContent t ? t.text() : String.valueOf(content);
    }

    private static byte[] silentWav(int samples) {
        int sampleRate = 8000;
        ByteBuffer wav = ByteBuffer.allocate(44 + samples).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII));
        wav.putInt(36 + samples);
        wav.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        wav.put("fmt ".getBytes(StandardCharsets.US_ASCII));
        wav.putInt(16); // fmt chunk size
        wav.putShort((short) 1); // PCM
        wav.putShort((short) 1); // mono
        wav.putInt(sampleRate);
        wav.putInt(sampleRate); // byte rate = sampleRate * channels * bytesPerSample
        wav.putShort((short) 1); // block align
        wav.putShort((short) 8); // bits per sample
        wav.put("data".getBytes(StandardCharsets.US_ASCII));
        wav.putInt(samples);
        for (int i = 0; i < samples; i++) {
            wav.put((byte) 0x80); // silence for unsigned 8-bit PCM
        }
        return wav.array();
    }
}
