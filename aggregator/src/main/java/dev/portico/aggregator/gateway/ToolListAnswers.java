package dev.portico.aggregator.gateway;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.portico.aggregator.catalog.MergedCatalog;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The answers to {@code tools/list}, serialized once per catalog snapshot. A session's catalog changes only when an
 * upstream connects, drops or announces a list change, but clients list again and again; with a large catalog (100
 * upstreams of 50 tools) serializing the tools was nearly all of Portico's time per list (docs/performance.md). The
 * cached JSON goes out as it is: the SDK's Jackson mapper writes a {@link RawValue} verbatim.
 *
 * <p>Snapshots are held weakly: a replaced one is forgotten with its answer. Safe for concurrent use.
 */
final class ToolListAnswers {

    private final McpJsonMapper json;
    private final Map<MergedCatalog, RawValue> bySnapshot = Collections.synchronizedMap(new WeakHashMap<>());

    ToolListAnswers(McpJsonMapper json) {
        this.json = json;
    }

    /** The {@code tools/list} result for {@code catalog}, to hand to the SDK as the response's result. */
    Object answer(MergedCatalog catalog) {
        return bySnapshot.computeIfAbsent(catalog, this::serialize);
    }

    private RawValue serialize(MergedCatalog catalog) {
        try {
            return new RawValue(json.writeValueAsString(
                    McpSchema.ListToolsResult.builder(catalog.tools()).build()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not serialize the tool list", e);
        }
    }
}
