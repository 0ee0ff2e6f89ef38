package dev.portico.aggregator.leaks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real secret values and downstream session ids of this test run, noted by the fixtures that saw them (the demo
 * identity provider's {@code secretsSeen}, the configs Portico started with, the sessions of each Portico), for {@link
 * SecretLeakCheck} to look for in the logs.
 *
 * <p>One per JVM, because the fixtures that see the values and the extension that scans for them meet nowhere else;
 * values are only added, never removed, so a later class is scanned for the secrets of earlier ones too. Safe for
 * concurrent use.
 */
public final class WitnessedSecrets {

    private static final Map<String, String> SECRETS = new ConcurrentHashMap<>();
    private static final Map<String, String> SESSION_IDS = new ConcurrentHashMap<>();

    private WitnessedSecrets() {}

    /** Notes a secret value and what it is ({@code access_token}, {@code client_secret}, ...). */
    public static void secret(String kind, String value) {
        if (value != null && !value.isEmpty()) {
            SECRETS.putIfAbsent(value, kind);
        }
    }

    /** Notes every secret of {@code byValue}, a map from value to what it is. */
    public static void secrets(Map<String, String> byValue) {
        byValue.forEach((value, kind) -> secret(kind, value));
    }

    /** Notes a downstream session id: logs may show its first 8 characters, never all of it. */
    public static void sessionId(String id) {
        if (id != null && !id.isEmpty()) {
            SESSION_IDS.putIfAbsent(id, "session_id");
        }
    }

    static Map<String, String> secrets() {
        return Map.copyOf(SECRETS);
    }

    static Map<String, String> sessionIds() {
        return Map.copyOf(SESSION_IDS);
    }
}
