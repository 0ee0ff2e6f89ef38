package dev.portico.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where Portico keeps its state: sessions, sign-ins and tokens ({@code storage}).
 *
 * <p>With {@link Type#MEMORY} the state lives in the process and every postgres-only component is empty (and the
 * tunables hold their defaults). With {@link Type#POSTGRES} it is shared by every instance that uses the same
 * database, and secrets in it are encrypted under {@link #encryptionKey()}.
 *
 * <p>{@link #toString()} shows no key and no password: they are {@link Secret}s.
 *
 * @param type memory (the default) or postgres
 * @param url the PostgreSQL JDBC URL ({@code jdbc:postgresql://...}); present exactly with postgres
 * @param username the database user, when configured; otherwise the driver's default applies
 * @param password the database password, when configured
 * @param encryptionKey the key that encrypts new secrets, as configured (decode it with {@link #keyBytes});
 *     present exactly with postgres
 * @param previousEncryptionKeys keys that are still tried for decrypting, never for encrypting, so that a key can
 *     be rotated; as configured, decode each with {@link #keyBytes}; empty with memory
 * @param maxPoolSize the most database connections one instance opens, 1 to 100
 * @param sweepInterval how often expired rows are deleted
 */
public record StorageConfig(
        Type type,
        Optional<String> url,
        Optional<String> username,
        Optional<Secret> password,
        Optional<Secret> encryptionKey,
        List<Secret> previousEncryptionKeys,
        int maxPoolSize,
        Duration sweepInterval) {

    /** AES-256 takes a 32-byte key; a longer key is accepted and left to the storage layer to derive from. */
    public static final int MIN_KEY_BYTES = 32;

    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    public static final int MAX_MAX_POOL_SIZE = 100;
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

    /** The PostgreSQL JDBC driver only accepts URLs that start like this. */
    public static final String URL_PREFIX = "jdbc:postgresql://";

    /** Where Portico keeps its state. */
    public enum Type {
        /** In the process: lost on restart, not shared between instances. */
        MEMORY,
        /** In a PostgreSQL database shared by every instance. */
        POSTGRES;

        /** The spelling used in the config file. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Type> fromConfigName(String name) {
            return Arrays.stream(values())
                    .filter(t -> t.configName().equals(name))
                    .findFirst();
        }
    }

    public StorageConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        previousEncryptionKeys = List.copyOf(previousEncryptionKeys);
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        boolean postgres = type == Type.POSTGRES;
        if (postgres != url.isPresent() || postgres != encryptionKey.isPresent()) {
            throw new IllegalArgumentException(
                    "url and encryptionKey are required with postgres and only allowed there");
        }
        if (!postgres && (username.isPresent() || password.isPresent() || !previousEncryptionKeys.isEmpty())) {
            throw new IllegalArgumentException("username, password and previousEncryptionKeys are only for postgres");
        }
        url.filter(u -> !u.startsWith(URL_PREFIX)).ifPresent(u -> {
            throw new IllegalArgumentException("url does not start with " + URL_PREFIX);
        });
        // keyBytes throws for a key that is too short, so an instance never holds one.
        encryptionKey.ifPresent(StorageConfig::keyBytes);
        previousEncryptionKeys.forEach(StorageConfig::keyBytes);
        if (maxPoolSize < 1 || maxPoolSize > MAX_MAX_POOL_SIZE) {
            throw new IllegalArgumentException("maxPoolSize out of range: " + maxPoolSize);
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("sweepInterval must be positive");
        }
    }

    /** State in memory, the default. */
    public static StorageConfig memory() {
        return new StorageConfig(
                Type.MEMORY,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                DEFAULT_MAX_POOL_SIZE,
                DEFAULT_SWEEP_INTERVAL);
    }

    public boolean isPostgres() {
        return type == Type.POSTGRES;
    }

    /**
     * The AES key bytes of a configured key; the one place that knows how a key is written.
     *
     * <p>If the text is base64 (standard alphabet with {@code +} and {@code /}, or URL-safe with {@code -} and
     * {@code _}; padding optional) and decodes to at least {@value #MIN_KEY_BYTES} bytes, those bytes are the key, as
     * {@code openssl rand -base64 32} produces. Otherwise the key is the text's UTF-8 bytes, of which there must be at
     * least {@value #MIN_KEY_BYTES}.
     *
     * @return a new array each time, which the caller may wipe
     * @throws IllegalArgumentException if the key is too short by both readings; the message does not show the key
     */
    public static byte[] keyBytes(Secret key) {
        String text = key.reveal();
        Optional<byte[]> decoded = base64(text).filter(bytes -> bytes.length >= MIN_KEY_BYTES);
        if (decoded.isPresent()) {
            return decoded.get();
        }
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        if (raw.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key shorter than " + MIN_KEY_BYTES + " bytes");
        }
        return raw;
    }

    /** Whether {@link #keyBytes} accepts the key. */
    static boolean isLongEnough(Secret key) {
        try {
            keyBytes(key);
            return true;
        } catch (IllegalArgumentException tooShort) {
            return false;
        }
    }

    private static Optional<byte[]> base64(String text) {
        for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
            try {
                return Optional.of(decoder.decode(text));
            } catch (IllegalArgumentException notThisAlphabet) {
                // Try the other alphabet, then fall back to the text itself.
            }
        }
        return Optional.empty();
    }
}
