package dev.portico.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * IP address literals as written in the config file, parsed without ever touching DNS.
 *
 * <p>{@link InetAddress#getByName} resolves anything that is not a literal, so a config value such as
 * {@code localhost/8} would make loading the file depend on the resolver. IPv4 is parsed here by hand; IPv6 text is
 * passed to the JDK only after it is known to consist of hex digits, colons and dots, which the JDK always treats as
 * a literal.
 */
final class IpLiterals {

    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern OCTET = Pattern.compile("[0-9]{1,3}");

    private IpLiterals() {}

    /**
     * The address's bytes: 4 for IPv4, 16 for IPv6.
     *
     * @throws IllegalArgumentException if {@code text} is not an IP literal; the message says why, without quoting
     *     the text
     */
    static byte[] parse(String text) {
        return text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    }

    /** Whether {@code host} (as {@link java.net.URI#getHost()} returns it) names this machine: localhost, 127/8, ::1. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        try {
            byte[] address = parse(bare);
            if (address.length == 4) {
                return address[0] == 127;
            }
            for (int i = 0; i < 15; i++) {
                if (address[i] != 0) {
                    return false;
                }
            }
            return address[15] == 1;
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
    }

    /** Dotted-quad for IPv4; the RFC 5952 canonical text (lower case, longest zero run as "::") for IPv6. */
    static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
                    + (address[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(
                    "is not an IPv4 address (four numbers separated by dots)" + " or an IPv6 address");
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (!OCTET.matcher(part).matches()) {
                throw new IllegalArgumentException(
                        "is not an IPv4 address: \"" + part + "\" is not a number from" + " 0 to 255");
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                // Some parsers read a leading zero as octal, so "010" would mean 8 to them and 10 to others.
                throw new IllegalArgumentException("is ambiguous: \"" + part + "\" has a leading zero");
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw new IllegalArgumentException("is not an IPv4 address: " + value + " is larger than 255");
            }
            address[i] = (byte) value;
        }
        return address;
    }

    private static byte[] parseIpv6(String text) {
        if (!IPV6_CHARACTERS.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "is not an IPv6 address (only hex digits, \":\" and \".\" are" + " allowed; no brackets or zone)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(text);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a valid IPv6 address");
        }
        if (address instanceof Inet4Address) {
            // The JDK turns ::ffff:a.b.c.d into an IPv4 address; a block written that way would silently change
            // family and prefix length.
            throw new IllegalArgumentException("is an IPv4-mapped IPv6 address; write it in IPv4 form");
        }
        return address.getAddress();
    }
}
