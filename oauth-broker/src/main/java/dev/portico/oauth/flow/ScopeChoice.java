package dev.portico.oauth.flow;

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
 */
public final class ScopeChoice {

    private ScopeChoice() {}

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
