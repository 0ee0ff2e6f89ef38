package dev.portico.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks {@code portico-VERSION.tar.gz} as an admin would ({@code tar -xzf}) and runs its {@code bin/portico}, with
 * nothing from the build on the class path: only what the archive holds.
 */
class DistributionIT {

    /** A bound for waiting on a child JVM, never an expectation of how fast it is. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static final Pattern LISTENING = Pattern.compile("Portico listening on (http://\\S+) ");

    private static final String VERSION = System.getProperty("portico.version");

    @TempDir
    static Path unpacked;

    private static Path home;

    private Process server;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("portico.distribution"));
        assertThat(archive).as("made by mvn package").exists();
        Result tar = run(new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()));
        assertThat(tar.exitCode()).as(tar.err()).isZero();
        home = unpacked.resolve("portico-" + VERSION);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            server.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void theArchiveHoldsTheLauncherLibrariesExampleConfigLicenseAndReadme() throws IOException {
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/portico")))
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(home.resolve("config/example.yaml")).hasSameTextualContentAs(Path.of("../examples/portico.yaml"));
        assertThat(home.resolve("config/config.schema.json")).exists();
        assertThat(home.resolve("LICENSE")).content().contains("Apache License", "Version 2.0");
        assertThat(home.resolve("README.md")).hasSameTextualContentAs(Path.of("../README.md"));
        assertThat(home.resolve("docs/operations.md")).exists();
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(jar -> jar.getFileName().toString()))
                    .contains(
                            "dev.portico.portico-aggregator-" + VERSION + ".jar",
                            "dev.portico.portico-config-" + VERSION + ".jar")
                    .anyMatch(jar -> jar.startsWith("org.eclipse.jetty.jetty-server-"))
                    .allMatch(jar -> jar.endsWith(".jar"));
        }
    }

    @Test
    void versionPrintsTheVersionOfTheArchive() throws Exception {
        Result result = portico("version");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("portico " + VERSION + "\n");
    }

    @Test
    void helpListsTheCommandsAndExitCodes() throws Exception {
        Result result = portico("--help");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("serve", "demo", "check-config", "version", "Exit codes:");
    }

    @Test
    void checkConfigAcceptsTheExampleConfig() throws Exception {
        Result result = portico("check-config", "--config", "config/example.yaml");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("config/example.yaml: valid (3 upstreams: everything, legacy, files)\n");
    }

    @Test
    void checkConfigRejectsABrokenConfigWithExitCodeTwoAndNamesTheField() throws Exception {
        Path broken = Files.writeString(unpacked.resolve("broken.yaml"), "server:\n  port: eighty\n");

        Result result = portico("check-config", "--config", broken.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(broken + ":2:9: server.port: expected a whole number, got \"eighty\"");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void theLauncherFindsItsInstallationThroughASymlink() throws Exception {
        Path link = Files.createSymbolicLink(unpacked.resolve("portico-link"), home.resolve("bin/portico"));

        Result result = run(new ProcessBuilder(link.toString(), "version").directory(unpacked.toFile()));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("portico " + VERSION + "\n");
    }

    @Test
    void aMissingJavaHomeIsARuntimeFailureWithAMessage() throws Exception {
        ProcessBuilder command = launcher("version");
        command.environment().put("JAVA_HOME", unpacked.resolve("no-java-here").toString());

        Result result = run(command);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("JAVA_HOME", "Java 17");
    }

    @Test
    void serveAnswersHealthChecksAndStopsWithExitCodeZeroOnSigterm() throws Exception {
        Path config = Files.writeString(unpacked.resolve("serve.yaml"), "server:\n  port: 0\n");
        ProcessBuilder command =
                launcher("--config", config.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        server = command.start();
        URI base = listeningAddress(server);

        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/healthz", "/readyz")) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(base.resolve(path)).timeout(LIMIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
        server.destroy(); // SIGTERM

        assertThat(server.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isZero();
    }

    /** Reads the server's stderr until it logs its address; the rest of stderr is drained so it never blocks. */
    private static URI listeningAddress(Process process) throws Exception {
        BufferedReader stderr =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        CompletableFuture<URI> address = new CompletableFuture<>();
        List<String> seen = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line = stderr.readLine(); line != null; line = stderr.readLine()) {
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.find()) {
                        address.complete(URI.create(listening.group(1)));
                    } else if (!address.isDone()) {
                        seen.add(line);
                    }
                }
                address.completeExceptionally(new AssertionError("Portico exited before listening: " + seen));
            } catch (IOException e) {
                address.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return address.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Result portico(String... args) throws Exception {
        return run(launcher(args));
    }

    /** {@code bin/portico ARGS}, run from the installation directory with this JVM's Java as JAVA_HOME. */
    private static ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/portico").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        return builder;
    }

    private static Result run(ProcessBuilder command) throws Exception {
        Path out = Files.createTempFile(unpacked, "out", ".txt");
        Path err = Files.createTempFile(unpacked, "err", ".txt");
        Process process =
                command.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.command() + " did not finish within " + LIMIT.toSeconds() + " s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Result(int exitCode, String out, String err) {}
}
