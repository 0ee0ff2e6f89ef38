package dev.portico.oauth.flow;

import java.util.ArrayList;
import java.util.List;

/**
 * Which scopes a sign-in asks for, in the order of preference of the MCP authorization spec ("Scope Selection
 * Strategy"), with the admin's word first:
 *
 * <ol>
 *   <li>the upstream's configured {@code auth.scopes}, if any;
 *   <li>else the {@code scope} of the upstream's {@code WWW-Authenticate} challenge (RFC 6750 §3), which also covers
 *       a step-up after {@code insufficient_scope};
 *   <li>else the {@code scopes_supported} of its protected resource metadata (RFC 9728 §2);
 *   <li>else none: the {@code scope} parameter is omitted and the authorization server applies its default.
 * </ol>
 *
 * <p>To the scopes of steps 2 and 3, {@code offline_access} is added when the authorization server lists it in its
 * {@code scopes_supported} ({@link #withOfflineAccess}): some servers issue refresh tokens only then, and a refresh
 * token is what lets Portico renew a token without the user. It is never required of a token: a server may decline
 * it. Configured scopes are the admin's exact word and get nothing added, and a request without any scope stays
 * without: asking for {@code offline_access} alone would replace the server's default scopes with it.
 */
public final class ScopeChoice {

    private ScopeChoice() {}

    /** The scope that asks for a refresh token (OpenID Connect Core §11, adopted by many OAuth servers). */
    public static final String OFFLINE_ACCESS = "offline_access";

    /**
     * {@code chosen} plus {@link #OFFLINE_ACCESS} when the server supports it, nothing was configured, and something
     * is asked for at all.
     */
    public static List<String> withOfflineAccess(
            List<String> chosen, List<String> configured, List<String> serverSupported) {
        if (!configured.isEmpty()
                || chosen.isEmpty()
                || chosen.contains(OFFLINE_ACCESS)
                || !serverSupported.contains(OFFLINE_ACCESS)) {
            return List.copyOf(chosen);
        }
        List<String> extended = new ArrayList<>(chosen);
        extended.add(OFFLINE_ACCESS);
        return List.copyOf(extended);
    }

    public static List<String> choose(List<String> configured, List<String> challenged, List<String> supported) {
        if (!configured.isEmpty()) {
            return List.copyOf(configured);
        }
        if (!challenged.isEmpty()) {
            return List.copyOf(challenged);
        }
        return List.copyOf(supported);
    }
}
