package dev.portico.oauth.http;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Resolves a host for the Jetty client and hands it only the addresses {@link AddressPolicy} allows.
 *
 * <p>This is where the SSRF check has to live: the addresses checked are exactly the ones the client connects to, so
 * a name that resolves to a public address when checked and to a private one when connecting (DNS rebinding) gets no
 * second look-up. Refused addresses are dropped rather than failing the whole name, because only the survivors are
 * ever dialled; when none survive, the request fails with {@link OutboundHttpException.Reason#FORBIDDEN_ADDRESS}.
 *
 * <p>Names that RFC 6761 §6.3 reserves for loopback ({@code localhost} and {@code *.localhost}) must resolve to
 * loopback only, because {@link OutboundHttp} lets plain http through to them.
 *
 * <p>Safe for concurrent use.
 */
final class PinnedAddressResolver implements SocketAddressResolver {

    private final SocketAddressResolver delegate;
    private final AddressPolicy policy;

    PinnedAddressResolver(SocketAddressResolver delegate, AddressPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    @Override
    public void resolve(String host, int port, Promise<List<InetSocketAddress>> promise) {
        delegate.resolve(host, port, Promise.from(addresses -> pick(host, addresses, promise), promise::failed));
    }

    private void pick(String host, List<InetSocketAddress> addresses, Promise<List<InetSocketAddress>> promise) {
        List<InetSocketAddress> allowed = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            Optional<String> refusal = refusal(host, address);
            if (refusal.isPresent()) {
                refusals.add(refusal.get());
            } else {
                allowed.add(address);
            }
        }
        if (allowed.isEmpty()) {
            String why = refusals.isEmpty() ? "no address" : String.join("; ", refusals);
            promise.failed(new OutboundHttpException(
                    OutboundHttpException.Reason.FORBIDDEN_ADDRESS,
                    null,
                    "refusing to connect to " + host + ": " + why));
        } else {
            promise.succeeded(List.copyOf(allowed));
        }
    }

    private Optional<String> refusal(String host, InetSocketAddress address) {
        if (address.isUnresolved()) {
            return Optional.of(address.getHostString() + " did not resolve");
        }
        if (isLoopbackName(host) && !address.getAddress().isLoopbackAddress()) {
            return Optional.of(host + " resolves to " + address.getAddress().getHostAddress() + ", not loopback");
        }
        return policy.refusal(address.getAddress());
    }

    /** Whether {@code host} is a name that RFC 6761 §6.3 reserves for the loopback interface. */
    static boolean isLoopbackName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("localhost") || name.endsWith(".localhost");
    }
}
