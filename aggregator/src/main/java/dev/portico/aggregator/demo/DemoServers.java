package dev.portico.aggregator.demo;

import java.net.URI;
import java.util.Optional;

/**
 * The servers {@code portico demo} runs beside Portico, in HTTP and stdio mode alike: the plain {@link DemoUpstream},
 * and a local {@link DemoIdentityProvider} with a {@link ProtectedDemoUpstream} that trusts it.
 */
public final class DemoServers implements AutoCloseable {

    private final DemoUpstream upstream;
    private final DemoIdentityProvider idp;
    private final ProtectedDemoUpstream protectedUpstream;

    private DemoServers(DemoUpstream upstream, DemoIdentityProvider idp, ProtectedDemoUpstream protectedUpstream) {
        this.upstream = upstream;
        this.idp = idp;
        this.protectedUpstream = protectedUpstream;
    }

    /** Starts the servers on free loopback ports. */
    public static DemoServers start() {
        DemoUpstream upstream = new DemoUpstream().start(0);
        DemoIdentityProvider idp = null;
        try {
            idp = DemoIdentityProvider.builder().build().start();
            ProtectedDemoUpstream calendar = ProtectedDemoUpstream.builder(DemoConfig.PROTECTED_UPSTREAM_NAME, idp)
                    .build()
                    .start();
            return new DemoServers(upstream, idp, calendar);
        } catch (RuntimeException e) {
            if (idp != null) {
                idp.close();
            }
            upstream.close();
            throw e;
        }
    }

    public URI upstreamUrl() {
        return upstream.mcpUrl();
    }

    public Optional<URI> protectedUpstreamUrl() {
        return Optional.ofNullable(protectedUpstream).map(ProtectedDemoUpstream::mcpUrl);
    }

    public Optional<URI> issuer() {
        return Optional.ofNullable(idp).map(DemoIdentityProvider::issuer);
    }

    @Override
    public void close() {
        if (protectedUpstream != null) {
            protectedUpstream.close();
        }
        if (idp != null) {
            idp.close();
        }
        upstream.close();
    }
}
