package dev.portico.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Loads a Portico config file: YAML, then environment substitution, then validation.
 *
 * <p>A file that cannot be used fails with a {@link ConfigException} listing every problem found, each with its
 * line, column, key path and a fix; only a YAML syntax error stops the search at the first problem.
 */
public final class ConfigLoader {

    static final List<String> ROOT_KEYS =
            List.of("server", "oauth", "security", "storage", "limits", "metrics", "upstreams");

    private final EnvironmentSubstitution substitution;

    /**
     * @param environment looks up environment variables for {@code ${NAME}} references; returns null for an unset
     *     variable
     */
    public ConfigLoader(Function<String, String> environment) {
        this.substitution = new EnvironmentSubstitution(Objects.requireNonNull(environment, "environment"));
    }

    /** A loader that substitutes from the process environment. */
    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    /**
     * Loads and validates {@code file}.
     *
     * @throws ConfigException if the file cannot be read or is not a valid config
     */
    public PorticoConfig load(Path file) {
        String source = file.toString();
        return parse(read(file, source), source);
    }

    /**
     * Parses and validates config text.
     *
     * @param sourceName names the text in problems and in {@link PorticoConfig#source()}
     * @throws ConfigException if the text is not a valid config
     */
    public PorticoConfig parse(String yaml, String sourceName) {
        Problems problems = new Problems(sourceName);
        Optional<YamlNode> root = YamlTreeReader.read(stripByteOrderMark(yaml), problems)
                .map(node -> substitution.applyTo(node, "", problems));
        if (root.isEmpty()) {
            // An empty file is a config with every default and no upstreams, like an empty mapping.
            problems.throwIfAny();
            return new PorticoConfig(
                    new ServerConfig(ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_PORT, Optional.empty()),
                    List.of(),
                    sourceName);
        }
        Optional<MappingReader> reader = MappingReader.of(
                root.get(),
                "",
                "a mapping with the keys " + String.join(", ", ROOT_KEYS),
                "server:, oauth:, security:, storage:, limits: and metrics: (each followed by its keys) and upstreams:"
                        + " (then a list), each at the start of a line",
                problems);
        if (reader.isEmpty()) {
            problems.throwIfAny();
        }
        reader.get().allowOnly(ROOT_KEYS);
        ServerConfig server = ServerConfigReader.read(reader.get(), problems);
        OAuthConfig oauth = OAuthConfigReader.read(reader.get(), problems);
        SecurityConfig security = SecurityConfigReader.read(reader.get(), problems);
        StorageConfig storage = StorageConfigReader.read(reader.get(), problems);
        LimitsConfig limits = LimitsConfigReader.read(reader.get(), problems);
        MetricsConfig metrics = MetricsConfigReader.read(reader.get(), problems);
        List<UpstreamConfig> upstreams = UpstreamsReader.read(reader.get(), problems);
        if (server != null && oauth != null) {
            ClientIdUrlCheck.check(server, oauth, reader.get(), problems);
        }
        problems.throwIfAny();
        return new PorticoConfig(server, oauth, security, storage, limits, metrics, upstreams, sourceName);
    }

    private static String read(Path file, String source) {
        try {
            if (Files.isDirectory(file)) {
                throw fileProblem(source, "is a directory, not a file", "pass the path of the YAML config file");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw fileProblem(source, "file not found", "check the path; it is resolved against the working directory");
        } catch (AccessDeniedException e) {
            throw fileProblem(source, "permission denied", "make the file readable by the user that runs Portico");
        } catch (CharacterCodingException e) {
            throw fileProblem(source, "the file is not valid UTF-8", "save it as UTF-8");
        } catch (IOException e) {
            throw fileProblem(source, "cannot read the file: " + e.getMessage(), "check that the file is readable");
        }
    }

    private static ConfigException fileProblem(String source, String message, String fix) {
        return Problems.single(
                new ConfigProblem(source, ConfigProblem.NO_LINE, ConfigProblem.NO_LINE, "", message, fix));
    }

    private static String stripByteOrderMark(String yaml) {
        return yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
    }
}
