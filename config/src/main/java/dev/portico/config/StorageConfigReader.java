package dev.portico.config;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code storage}: in memory, or in PostgreSQL with secrets encrypted under a configured key.
 *
 * <p>No problem quotes a key, the password or the URL: the URL may carry credentials, and the line and column
 * already say which value is meant.
 */
final class StorageConfigReader {

    static final List<String> KEYS = List.of(
            "type",
            "url",
            "username",
            "password",
            "encryptionKey",
            "previousEncryptionKeys",
            "maxPoolSize",
            "sweepInterval");

    static final List<String> POSTGRES_ONLY_KEYS = KEYS.subList(1, KEYS.size());

    /** Each sweep is a DELETE on every table; sub-second sweeps would be load for no gain. */
    static final Duration MIN_SWEEP_INTERVAL = Duration.ofSeconds(1);

    static final String KEY_RECIPE = "generate a key with `openssl rand -base64 32` and set it from the environment:"
            + " encryptionKey: \"${PORTICO_KEY}\"";

    private static final String URL_EXAMPLE = "jdbc:postgresql://db.example.com:5432/portico";
    private static final Pattern LIBPQ_URI = Pattern.compile("(?i)postgres(ql)?://.*");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i).*[?&]password=.*");

    private final MappingReader storage;
    private final Problems problems;

    private StorageConfigReader(MappingReader storage, Problems problems) {
        this.storage = storage;
        this.problems = problems;
    }

    /** The storage settings, {@link StorageConfig#memory()} when the section is absent, or null on problems. */
    static StorageConfig read(MappingReader root, Problems problems) {
        if (!root.has("storage")) {
            return StorageConfig.memory();
        }
        return root.mapping(
                        "storage",
                        "storage: {type: postgres, url: \"" + URL_EXAMPLE + "\", encryptionKey: \"${PORTICO_KEY}\"}")
                .map(storage -> new StorageConfigReader(storage, problems).read())
                .orElse(null);
    }

    private StorageConfig read() {
        int before = problems.count();
        storage.allowOnly(KEYS);
        Optional<StorageConfig.Type> type = type();
        if (type.isEmpty()) {
            // Which keys are required or allowed depends on the type, so nothing else can be judged.
            return null;
        }
        if (type.get() == StorageConfig.Type.MEMORY) {
            rejectPostgresOnlyKeys();
            return problems.count() == before ? StorageConfig.memory() : null;
        }
        Optional<String> url = url();
        Optional<String> username = username();
        Optional<Secret> password = password();
        Optional<Secret> encryptionKey = encryptionKey();
        List<Secret> previousEncryptionKeys = previousEncryptionKeys(encryptionKey);
        int maxPoolSize = maxPoolSize();
        Duration sweepInterval = sweepInterval();
        if (problems.count() != before) {
            return null;
        }
        return new StorageConfig(
                StorageConfig.Type.POSTGRES,
                url,
                username,
                password,
                encryptionKey,
                previousEncryptionKeys,
                maxPoolSize,
                sweepInterval);
    }

    private Optional<StorageConfig.Type> type() {
        if (!storage.has("type")) {
            return Optional.of(StorageConfig.Type.MEMORY);
        }
        Optional<String> text = storage.string("type", "type: postgres");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<StorageConfig.Type> type = StorageConfig.Type.fromConfigName(text.get());
        if (type.isEmpty()) {
            List<String> names =
                    List.of(StorageConfig.Type.MEMORY.configName(), StorageConfig.Type.POSTGRES.configName());
            String accepted = "use memory or postgres";
            storage.problem(
                    "type",
                    "unknown storage type \"" + text.get() + "\"",
                    KeySuggestion.closest(text.get(), names)
                            .map(name -> "did you mean `" + name + "`? " + accepted)
                            .orElse(accepted));
        }
        return type;
    }

    /** Settings that memory storage would silently ignore are mistakes: the admin meant postgres, or nothing. */
    private void rejectPostgresOnlyKeys() {
        for (String key : POSTGRES_ONLY_KEYS) {
            if (storage.has(key)) {
                storage.problemAtKey(
                        key,
                        "`" + key + "` is only used with type: postgres",
                        "remove `" + key + "`, or set type: postgres");
            }
        }
    }

    private Optional<String> url() {
        if (!storage.has("url")) {
            storage.problem(
                    "url",
                    "missing url, which type postgres needs",
                    "add the JDBC URL of the database, e.g. url: " + URL_EXAMPLE);
            return Optional.empty();
        }
        Optional<String> url = storage.string("url", "url: " + URL_EXAMPLE);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        if (LIBPQ_URI.matcher(url.get()).matches()) {
            storage.problem(
                    "url",
                    "url is a libpq connection URI (postgres://...), not a JDBC URL",
                    "write it as jdbc:postgresql://HOST:PORT/DATABASE, with the user and password in storage.username"
                            + " and storage.password");
            return Optional.empty();
        }
        if (!url.get().startsWith(StorageConfig.URL_PREFIX)) {
            storage.problem(
                    "url",
                    "url is not a PostgreSQL JDBC URL: it must start with " + StorageConfig.URL_PREFIX,
                    "write it like: url: " + URL_EXAMPLE);
            return Optional.empty();
        }
        if (PASSWORD_PARAMETER.matcher(url.get()).matches()) {
            // The URL is not a secret and may be logged; the password must not ride along with it.
            storage.problem(
                    "url",
                    "url carries a password (password=...), which would show wherever the URL is printed",
                    "remove it from the url and set password: \"${PORTICO_DB_PASSWORD}\"");
            return Optional.empty();
        }
        return url;
    }

    private Optional<String> username() {
        Optional<String> username = storage.string("username", "username: portico");
        if (username.isPresent() && username.get().isBlank()) {
            storage.problem(
                    "username",
                    "username is empty",
                    "give the database user, or remove username to use the driver's default");
            return Optional.empty();
        }
        return username;
    }

    private Optional<Secret> password() {
        Optional<String> password = storage.string("password", "password: \"${PORTICO_DB_PASSWORD}\"");
        if (password.isPresent() && password.get().isEmpty()) {
            storage.problem(
                    "password",
                    "password is empty",
                    "set it from the environment (password: \"${PORTICO_DB_PASSWORD}\"), or remove password");
            return Optional.empty();
        }
        return password.map(Secret::of);
    }

    private Optional<Secret> encryptionKey() {
        if (!storage.has("encryptionKey")) {
            storage.problem(
                    "encryptionKey",
                    "missing encryptionKey, which type postgres needs to encrypt secrets at rest",
                    KEY_RECIPE);
            return Optional.empty();
        }
        return storage.string("encryptionKey", "encryptionKey: \"${PORTICO_KEY}\"")
                .flatMap(text -> usableKey(
                        "encryptionKey",
                        text,
                        storage.valuePosition("encryptionKey"),
                        storage.pathOf("encryptionKey")));
    }

    private List<Secret> previousEncryptionKeys(Optional<Secret> encryptionKey) {
        String key = "previousEncryptionKeys";
        if (!storage.has(key)) {
            return List.of();
        }
        if (!storage.isList(key)) {
            // Not MappingReader's own type error: it would quote the value, which is probably a key.
            storage.problem(
                    key,
                    "expected a list of keys, got a single value (not shown: it may be a key)",
                    "write it like: previousEncryptionKeys: [\"${PORTICO_OLD_KEY}\"]");
            return List.of();
        }
        List<MappingReader.Item> items = storage.stringItems(key, "previousEncryptionKeys: [\"${PORTICO_OLD_KEY}\"]")
                .orElse(List.of());
        List<Secret> keys = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (MappingReader.Item item : items) {
            Optional<Secret> usable = usableKey("previous key", item.text(), item.position(), item.path());
            if (usable.isEmpty()) {
                continue;
            }
            Optional<String> sameAs = encryptionKey
                    .filter(current -> sameKey(current, usable.get()))
                    .map(current -> "encryptionKey")
                    .or(() -> firstSame(usable.get(), keys, paths));
            if (sameAs.isPresent()) {
                problems.add(
                        item.position(),
                        item.path(),
                        "this previous key is the same key as " + sameAs.get(),
                        sameAs.get().equals("encryptionKey")
                                ? "a previous key is one that encryptionKey replaced: remove it here, or put the new"
                                        + " key in encryptionKey"
                                : "remove the repeated key");
                continue;
            }
            keys.add(usable.get());
            paths.add(item.path());
        }
        return keys;
    }

    private static Optional<String> firstSame(Secret key, List<Secret> earlier, List<String> paths) {
        for (int i = 0; i < earlier.size(); i++) {
            if (sameKey(key, earlier.get(i))) {
                return Optional.of(paths.get(i));
            }
        }
        return Optional.empty();
    }

    /** Compared as decoded bytes, in constant time: the same key written once as base64 and once raw is one key. */
    private static boolean sameKey(Secret a, Secret b) {
        return MessageDigest.isEqual(StorageConfig.keyBytes(a), StorageConfig.keyBytes(b));
    }

    /** The key, if {@link StorageConfig#keyBytes} accepts it; messages never show it. */
    private Optional<Secret> usableKey(String what, String text, Position position, String path) {
        if (text.isEmpty()) {
            problems.add(position, path, what + " is empty", KEY_RECIPE);
            return Optional.empty();
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            // Usually a trailing newline from a file. Accepting it would make the newline part of the key, and
            // data written under it unreadable once someone removes it.
            problems.add(
                    position,
                    path,
                    what + " contains a line break or other control character",
                    "remove it (check the environment variable or file the key comes from)");
            return Optional.empty();
        }
        Secret key = Secret.of(text);
        if (!StorageConfig.isLongEnough(key)) {
            problems.add(
                    position,
                    path,
                    what + " is too short: it must be at least " + StorageConfig.MIN_KEY_BYTES
                            + " bytes, as base64 or as text",
                    KEY_RECIPE);
            return Optional.empty();
        }
        return Optional.of(key);
    }

    private int maxPoolSize() {
        Optional<Long> size = storage.wholeNumber("maxPoolSize", "maxPoolSize: 10");
        if (size.isPresent() && (size.get() < 1 || size.get() > StorageConfig.MAX_MAX_POOL_SIZE)) {
            storage.problem(
                    "maxPoolSize",
                    "maxPoolSize " + size.get() + " is out of range",
                    "use 1 to " + StorageConfig.MAX_MAX_POOL_SIZE + ", e.g. maxPoolSize: "
                            + StorageConfig.DEFAULT_MAX_POOL_SIZE);
            return StorageConfig.DEFAULT_MAX_POOL_SIZE;
        }
        return size.map(Long::intValue).orElse(StorageConfig.DEFAULT_MAX_POOL_SIZE);
    }

    private Duration sweepInterval() {
        Duration interval = storage.duration("sweepInterval").orElse(StorageConfig.DEFAULT_SWEEP_INTERVAL);
        if (interval.compareTo(MIN_SWEEP_INTERVAL) < 0) {
            storage.problem(
                    "sweepInterval",
                    "sweepInterval " + Durations.format(interval) + " is shorter than the minimum of "
                            + Durations.format(MIN_SWEEP_INTERVAL),
                    "use at least " + Durations.format(MIN_SWEEP_INTERVAL) + ", e.g. sweepInterval: 1m");
            return StorageConfig.DEFAULT_SWEEP_INTERVAL;
        }
        return interval;
    }
}
