package dev.portico.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), as listed in {@code
 * security.allowedPrivateNetworks}.
 *
 * <p>Parsing never consults DNS. The address must be the network itself: {@code 10.0.0.1/8} is rejected rather than
 * silently widened, because an admin who writes it has usually mistyped either the address or the prefix. Instances
 * are immutable and safe for concurrent use.
 */
public final class CidrBlock {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,3}");

    private final byte[] network;
    private final int prefixLength;

    private CidrBlock(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address/prefixLength}.
     *
     * @throws IllegalArgumentException if {@code text} is not a CIDR block; the message says why and quotes the text
     */
    public static CidrBlock parse(String text) {
        Parsed parsed = tryParse(text);
        if (parsed.block() == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not a valid CIDR block: " + parsed.problem());
        }
        return parsed.block();
    }

    /**
     * The block or why there is none, with the fix an admin needs; for the config reader.
     *
     * @param problem completes "... is not a valid CIDR block: "
     */
    record Parsed(CidrBlock block, String problem, String fix) {}

    static final String GENERAL_FIX = "write a network and its prefix length, e.g. 10.0.0.0/8, 127.0.0.0/8 or"
            + " \"fd00::/8\"; for a single address use /32 (IPv4) or /128 (IPv6)";

    static Parsed tryParse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        if (slash < 0) {
            return invalid("it has no prefix length", GENERAL_FIX);
        }
        byte[] address;
        try {
            address = IpLiterals.parse(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return invalid("the address " + e.getMessage(), GENERAL_FIX);
        }
        int maxPrefix = address.length * 8;
        String family = address.length == 4 ? "IPv4" : "IPv6";
        String prefixText = text.substring(slash + 1);
        if (!DIGITS.matcher(prefixText).matches() || Integer.parseInt(prefixText) > maxPrefix) {
            return invalid(
                    "the prefix length \"" + prefixText + "\" is not a number from 0 to " + maxPrefix
                            + " (the range for " + family + ")",
                    GENERAL_FIX);
        }
        int prefixLength = Integer.parseInt(prefixText);
        byte[] network = mask(address, prefixLength);
        if (!Arrays.equals(network, address)) {
            String intended = IpLiterals.format(network) + "/" + prefixLength;
            return invalid(
                    "the address has bits set after the /" + prefixLength + " prefix",
                    "write the network address: " + intended + " (or /" + maxPrefix + " for the single address)");
        }
        return new Parsed(new CidrBlock(network, prefixLength), "", "");
    }

    private static Parsed invalid(String problem, String fix) {
        return new Parsed(null, problem, fix);
    }

    private static byte[] mask(byte[] address, int prefixLength) {
        byte[] masked = address.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }

    /** The number of leading bits that identify the network. */
    public int prefixLength() {
        return prefixLength;
    }

    public boolean isIpv6() {
        return network.length == 16;
    }

    /** Whether {@code address} lies in this network; an address of the other family never does. */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && Arrays.equals(mask(candidate, prefixLength), network);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CidrBlock
                && ((CidrBlock) other).prefixLength == prefixLength
                && Arrays.equals(((CidrBlock) other).network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** The canonical notation, such as {@code 10.0.0.0/8} or {@code fd00::/8}. */
    @Override
    public String toString() {
        return IpLiterals.format(network) + "/" + prefixLength;
    }
}
