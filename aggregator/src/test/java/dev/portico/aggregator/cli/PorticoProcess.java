package dev.portico.aggregator.cli;

import static org.awaitility.Awaitility.await;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command line that runs {@link PorticoMain} as a child JVM from the test class path. */
final class PorticoProcess {

    /** A child JVM starts in a few seconds, but a loaded CI machine can take much longer. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    private PorticoProcess() {}

    /**
     * An SDK client (not yet initialized) whose stdio transport runs Portico with {@code args} as its child;
     * {@code customizer} adds capabilities and handlers.
     */
    static McpSyncClient stdioClient(Consumer<McpClient.SyncSpec> customizer, String... args) {
        return stdioClient(Map.of(), customizer, args);
    }

    /** The same, with {@code environment} added to the child's environment. */
    static McpSyncClient stdioClient(
            Map<String, String> environment, Consumer<McpClient.SyncSpec> customizer, String... args) {
        return stdioClient(List.of(), environment, customizer, args);
    }

    /**
     * The same, with the child logging everything at TRACE to its stderr ({@code logback-trace.xml}), which the SDK's
     * stdio transport logs here line by line: for tests under the secret leak check.
     */
    static McpSyncClient stdioClientAtTrace(Consumer<McpClient.SyncSpec> customizer, String... args) {
        return stdioClient(List.of("-Dlogback.configurationFile=logback-trace.xml"), Map.of(), customizer, args);
    }

    private static McpSyncClient stdioClient(
            List<String> jvmOptions,
            Map<String, String> environment,
            Consumer<McpClient.SyncSpec> customizer,
            String... args) {
        List<String> command = command(jvmOptions, args);
        ServerParameters parameters = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()))
                .env(environment)
                .build();
        McpClient.SyncSpec spec = McpClient.sync(new StdioClientTransport(parameters, McpJsonDefaults.getMapper()))
                .requestTimeout(CLIENT_TIMEOUT)
                .initializationTimeout(CLIENT_TIMEOUT);
        customizer.accept(spec);
        return spec.build();
    }

    /** The line Portico logs once it listens, with its base URL; found in either log format. */
    private static final Pattern LISTENING = Pattern.compile("Portico listening on (http://[^\\s\"]+) ");

    /**
     * Waits until the Portico child writing its stderr to {@code stderr} says it listens; returns its base URL.
     *
     * @throws AssertionError with the child's stderr if it exits first
     */
    static URI awaitListening(Process process, Path stderr, Duration limit) {
        return await().atMost(limit)
                .until(
                        () -> {
                            if (!process.isAlive()) {
                                throw new AssertionError("portico exited with " + process.exitValue()
                                        + "\n--- stderr:\n" + read(stderr));
                            }
                            Matcher matcher = LISTENING.matcher(read(stderr));
                            return matcher.find() ? Optional.of(URI.create(matcher.group(1))) : Optional.<URI>empty();
                        },
                        Optional::isPresent)
                .orElseThrow();
    }

    /** The child's stderr so far, for assertions and failure messages. */
    static String read(Path stderr) {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    private static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PorticoMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String javaBinary() {
        boolean windows = System.getProperty("os.name", "").toLowerCase().contains("win");
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }
}
