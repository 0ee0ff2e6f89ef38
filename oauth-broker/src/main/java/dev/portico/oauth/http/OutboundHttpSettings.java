package dev.portico.oauth.http;

import dev.portico.config.SecurityConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link OutboundHttp} may reach out.
 *
 * @param allowInsecureLoopback whether plain {@code http} is allowed to a loopback host ({@code localhost}, {@code
 *     127.0.0.0/8}, {@code ::1}), for development and tests; every other host needs {@code https}. The address must
 *     still be allowed by {@code allowedPrivateNetworks}.
 * @param allowedPrivateNetworks CIDR blocks ({@code "127.0.0.0/8"}, {@code "10.1.0.0/16"}, {@code "::1/128"}) that may
 *     be connected to although they are loopback, private, link-local, unique-local or otherwise non-public; empty
 *     by default, which refuses them all
 * @param maxResponseBytes the largest response body accepted, after content decoding
 * @param connectTimeout how long to wait for a TCP connection
 * @param totalTimeout how long one exchange may take from sending the request to the last byte of the response
 */
public record OutboundHttpSettings(
        boolean allowInsecureLoopback,
        List<String> allowedPrivateNetworks,
        long maxResponseBytes,
        Duration connectTimeout,
        Duration totalTimeout,
        boolean allowCrossOriginResourceMetadata) {

    /** 1 MiB: discovery documents and token responses are a few KiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @throws IllegalArgumentException if a network is not CIDR notation, a limit is not positive, or the connect
     *     timeout is longer than the total one
     */
    public OutboundHttpSettings {
        allowedPrivateNetworks = List.copyOf(allowedPrivateNetworks);
        allowedPrivateNetworks.forEach(IpNetwork::parse);
        if (maxResponseBytes <= 0 || maxResponseBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxResponseBytes must be between 1 and 2 GiB: " + maxResponseBytes);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(totalTimeout, "totalTimeout");
        if (connectTimeout.isNegative()
                || connectTimeout.isZero()
                || totalTimeout.isNegative()
                || totalTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (connectTimeout.compareTo(totalTimeout) > 0) {
            throw new IllegalArgumentException(
                    "connectTimeout " + connectTimeout + " exceeds totalTimeout " + totalTimeout);
        }
    }

    /** With cross-origin resource metadata refused. */
    public OutboundHttpSettings(
            boolean allowInsecureLoopback,
            List<String> allowedPrivateNetworks,
            long maxResponseBytes,
            Duration connectTimeout,
            Duration totalTimeout) {
        this(allowInsecureLoopback, allowedPrivateNetworks, maxResponseBytes, connectTimeout, totalTimeout, false);
    }

    /**
     * Insecure loopback allowed, no private network allowed (so loopback is still refused), 1 MiB, 5 s to connect,
     * 10 s in all; the same as {@code from(SecurityConfig.defaults())}.
     */
    public static OutboundHttpSettings defaults() {
        return new OutboundHttpSettings(
                true, List.of(), DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT);
    }

    /**
     * The configured {@code security} limits with the default size and timeouts: the one place where configuration
     * becomes outbound settings, so that no field is lost on the way.
     */
    public static OutboundHttpSettings from(SecurityConfig security) {
        return new OutboundHttpSettings(
                security.allowInsecureLoopback(),
                security.allowedPrivateNetworks(),
                DEFAULT_MAX_RESPONSE_BYTES,
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_TOTAL_TIMEOUT,
                security.allowCrossOriginResourceMetadata());
    }

    public OutboundHttpSettings withAllowedPrivateNetworks(List<String> networks) {
        return new OutboundHttpSettings(
                allowInsecureLoopback,
                networks,
                maxResponseBytes,
                connectTimeout,
                totalTimeout,
                allowCrossOriginResourceMetadata);
    }

    public OutboundHttpSettings withAllowInsecureLoopback(boolean allow) {
        return new OutboundHttpSettings(
                allow,
                allowedPrivateNetworks,
                maxResponseBytes,
                connectTimeout,
                totalTimeout,
                allowCrossOriginResourceMetadata);
    }

    public OutboundHttpSettings withMaxResponseBytes(long bytes) {
        return new OutboundHttpSettings(
                allowInsecureLoopback,
                allowedPrivateNetworks,
                bytes,
                connectTimeout,
                totalTimeout,
                allowCrossOriginResourceMetadata);
    }

    public OutboundHttpSettings withTimeouts(Duration connect, Duration total) {
        return new OutboundHttpSettings(
                allowInsecureLoopback,
                allowedPrivateNetworks,
                maxResponseBytes,
                connect,
                total,
                allowCrossOriginResourceMetadata);
    }

    public OutboundHttpSettings withCrossOriginResourceMetadata(boolean allow) {
        return new OutboundHttpSettings(
                allowInsecureLoopback, allowedPrivateNetworks, maxResponseBytes, connectTimeout, totalTimeout, allow);
    }

    /** The allowed networks, parsed; the constructor has already checked that they parse. */
    List<IpNetwork> networks() {
        return allowedPrivateNetworks.stream().map(IpNetwork::parse).toList();
    }
}
