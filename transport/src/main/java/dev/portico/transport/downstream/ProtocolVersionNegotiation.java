package dev.portico.transport.downstream;

import java.util.List;

/**
 * The one place that decides which MCP protocol revision a downstream session speaks.
 *
 * <p>MCP lifecycle (2025-11-25, "Version Negotiation"): if the server supports the version the client asked for it
 * answers with the same version, otherwise with the latest version it supports. The supported list comes from the
 * SDK transport, so a newer SDK widens it without changes here.
 */
public final class ProtocolVersionNegotiation {

    private ProtocolVersionNegotiation() {}

    public static String choose(List<String> supported, String requested) {
        if (supported.isEmpty()) {
            throw new IllegalArgumentException("a transport must support at least one protocol version");
        }
        if (requested != null && supported.contains(requested)) {
            return requested;
        }
        return supported.stream().max(String::compareTo).orElseThrow();
    }
}
