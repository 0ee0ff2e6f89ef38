package dev.portico.oauth.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address is a block of one.
 * Immutable.
 */
public final class IpNetwork {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final byte[] prefix;
    private final int bits;
    private final String text;

    private IpNetwork(byte[] prefix, int bits, String text) {
        this.prefix = prefix;
        this.bits = bits;
        this.text = text;
    }

    /**
     * Parses CIDR notation. Only address literals are accepted, so parsing never looks up a name.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    static IpNetwork parse(String cidr) {
        Objects.requireNonNull(cidr, "cidr");
        String trimmed = cidr.trim();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = literal(addressText);
        if (address == null) {
            throw new IllegalArgumentException(
                    "\"" + cidr + "\" is not a CIDR block (expected an IP address, optionally with /prefix-length)");
        }
        int maxBits = address.length * 8;
        int bits = maxBits;
        if (slash >= 0) {
            String length = trimmed.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > maxBits) {
                throw new IllegalArgumentException(
                        "\"" + cidr + "\" has an invalid prefix length (0 to " + maxBits + " for this address)");
            }
            bits = Integer.parseInt(length);
        }
        return new IpNetwork(mask(address, bits), bits, trimmed);
    }

    /** A block built in code, for the fixed ranges of {@link AddressPolicy}. */
    static IpNetwork of(String cidr) {
        return parse(cidr);
    }

    /**
     * The address an IP literal ({@code 127.0.0.1}, {@code ::1}, {@code [::1]}) stands for, or empty when {@code text}
     * is not a literal. Never looks up a name.
     */
    public static Optional<InetAddress> parseLiteral(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        byte[] bytes = literal(bare);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == prefix.length && Arrays.equals(mask(candidate, bits), prefix);
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] literal(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !IPV6.matcher(text).matches()) {
            return null;
        }
        if (v4) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            // A literal: InetAddress parses it without a DNS look-up.
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            masked[i] = (byte) (masked[i] & (0xff << (8 - keep)));
        }
        return masked;
    }
}
