package dev.portico.oauth.limits;

import dev.portico.config.CidrBlock;
import dev.portico.oauth.http.IpNetwork;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The client address a request counts against for rate limits: the connection's peer, unless the peer is one of the
 * configured trusted proxies ({@code limits.trustedProxies}), in which case it is read from {@code X-Forwarded-For}.
 *
 * <p>{@code X-Forwarded-For} is a list each proxy appends its peer to, so only its right end is written by proxies
 * Portico trusts; anything to the left may be the client's own invention. The header is therefore read from the
 * right, skipping trusted proxies, and the first address that is not one is the client. An entry that is not an IP
 * literal ends the walk at the last trusted hop; a header of only trusted proxies yields its leftmost. Without
 * trusted proxies the header is ignored entirely: believing it would let every client pick the key it is limited by.
 *
 * <p>Never looks up a name. Safe for concurrent use.
 */
public final class ClientAddresses {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<CidrBlock> trustedProxies;

    public ClientAddresses(List<CidrBlock> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /** The client address of {@code request}. */
    public String of(HttpServletRequest request) {
        return resolve(request.getRemoteAddr(), Collections.list(request.getHeaders(FORWARDED_FOR)));
    }

    /**
     * The client address of a request from {@code peer} that carried these {@code X-Forwarded-For} field values, in
     * the order received.
     */
    String resolve(String peer, List<String> forwardedFor) {
        Optional<InetAddress> candidate = IpNetwork.parseLiteral(peer);
        if (candidate.isEmpty() || !trusted(candidate.get())) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = candidate.get();
        for (int i = hops.size() - 1; i >= 0 && trusted(client); i--) {
            Optional<InetAddress> hop = IpNetwork.parseLiteral(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get();
        }
        return client.getHostAddress();
    }

    private boolean trusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(block -> block.contains(address));
    }
}
