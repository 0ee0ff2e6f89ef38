package dev.portico.aggregator.catalog;

/**
 * Where an exposed name leads: the upstream that owns it and the name the upstream knows it by.
 *
 * @param upstream the upstream's configured name
 * @param upstreamName the tool or prompt name on that upstream
 */
public record Route(String upstream, String upstreamName) {}
