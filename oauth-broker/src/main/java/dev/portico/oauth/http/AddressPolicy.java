package dev.portico.oauth.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which resolved addresses the broker may connect to. Discovery follows URLs that an upstream chose (the {@code
 * resource_metadata} of a challenge, the {@code authorization_servers} of its metadata), so without this check any
 * upstream could make Portico fetch from the cloud metadata endpoint or the internal network (server-side request
 * forgery).
 *
 * <p>Refused unless an allowed network contains the address:
 *
 * <ul>
 *   <li>IPv4: unspecified {@code 0.0.0.0/8}, private {@code 10/8 172.16/12 192.168/16} (RFC 1918), shared
 *       {@code 100.64/10} (RFC 6598), loopback {@code 127/8}, link-local {@code 169.254/16} (including the cloud
 *       metadata endpoint 169.254.169.254), IETF protocol assignments {@code 192.0.0/24}, benchmarking
 *       {@code 198.18/15}, multicast {@code 224/4} and reserved {@code 240/4} (including broadcast);
 *   <li>IPv6: unspecified and loopback, link-local {@code fe80::/10}, the deprecated site-local {@code fec0::/10},
 *       unique-local {@code fc00::/7} (including the cloud metadata endpoint {@code fd00:ec2::254}), multicast {@code ff00::/8}, discard-only {@code 100::/64}; and an IPv4 address
 *       carried inside IPv6 (IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is
 *       judged as that IPv4 address. IPv4-mapped addresses ({@code ::ffff:0:0/96}) already arrive as IPv4.
 * </ul>
 *
 * <p>Immutable and safe for concurrent use.
 */
final class AddressPolicy {

    private record Range(IpNetwork network, String description) {}

    /** AWS, GCP, Azure and others (IPv4); AWS over IPv6. Named apart because reaching them leaks credentials. */
    private static final List<IpNetwork> METADATA =
            List.of(IpNetwork.of("169.254.169.254/32"), IpNetwork.of("fd00:ec2::254/128"));

    private static final List<Range> IPV4_RANGES = List.of(
            range("0.0.0.0/8", "an unspecified address"),
            range("10.0.0.0/8", "a private address (RFC 1918)"),
            range("100.64.0.0/10", "a shared address (RFC 6598)"),
            range("127.0.0.0/8", "a loopback address"),
            range("169.254.0.0/16", "a link-local address"),
            range("172.16.0.0/12", "a private address (RFC 1918)"),
            range("192.0.0.0/24", "an IETF protocol address (RFC 6890)"),
            range("192.168.0.0/16", "a private address (RFC 1918)"),
            range("198.18.0.0/15", "a benchmarking address (RFC 2544)"),
            range("224.0.0.0/4", "a multicast address"),
            range("240.0.0.0/4", "a reserved address"));

    private static final List<Range> IPV6_RANGES = List.of(
            range("::/128", "an unspecified address"),
            range("::1/128", "a loopback address"),
            range("100::/64", "a discard-only address (RFC 6666)"),
            range("fe80::/10", "a link-local address"),
            range("fec0::/10", "a site-local address"),
            range("fc00::/7", "a unique-local address"),
            range("ff00::/8", "a multicast address"));

    private static final IpNetwork IPV4_COMPATIBLE = IpNetwork.of("::/96");
    private static final IpNetwork NAT64 = IpNetwork.of("64:ff9b::/96");
    private static final IpNetwork SIX_TO_FOUR = IpNetwork.of("2002::/16");

    private final List<IpNetwork> allowed;

    AddressPolicy(List<IpNetwork> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /**
     * Why {@code address} may not be connected to, or empty if it may: either it is a public address, or an allowed
     * network contains it.
     */
    Optional<String> refusal(InetAddress address) {
        Optional<String> special = specialRange(address);
        if (special.isEmpty() || allowed.stream().anyMatch(n -> n.contains(address))) {
            return Optional.empty();
        }
        return Optional.of(address.getHostAddress() + " is " + special.get()
                + ", which the allowed private networks do not include");
    }

    /** What kind of non-public address {@code address} is, if it is one. */
    static Optional<String> specialRange(InetAddress address) {
        if (METADATA.stream().anyMatch(n -> n.contains(address))) {
            return Optional.of("the cloud metadata endpoint");
        }
        if (address instanceof Inet6Address) {
            Optional<InetAddress> embedded = embeddedIpv4(address);
            if (embedded.isPresent()) {
                return specialRange(embedded.get()).map(kind -> kind + " embedded in IPv6");
            }
            return find(IPV6_RANGES, address);
        }
        return find(IPV4_RANGES, address);
    }

    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        byte[] v4;
        if (SIX_TO_FOUR.contains(address)) {
            v4 = new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]};
        } else if ((IPV4_COMPATIBLE.contains(address) && !isZeroOrOne(bytes)) || NAT64.contains(address)) {
            v4 = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** {@code ::} and {@code ::1} lie inside {@code ::/96} but are their own kinds. */
    private static boolean isZeroOrOne(byte[] bytes) {
        for (int i = 0; i < 15; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[15] == 0 || bytes[15] == 1;
    }

    private static Optional<String> find(List<Range> ranges, InetAddress address) {
        return ranges.stream()
                .filter(r -> r.network().contains(address))
                .map(Range::description)
                .findFirst();
    }

    private static Range range(String cidr, String description) {
        return new Range(IpNetwork.of(cidr), description);
    }
}
