package dev.portico.aggregator.cli;

import picocli.CommandLine.IVersionProvider;

/** Portico's version: the jar manifest's {@code Implementation-Version}, or "dev" when not run from the jar. */
public final class PorticoVersion implements IVersionProvider {

    public static String current() {
        String version = PorticoVersion.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"portico " + current()};
    }
}
