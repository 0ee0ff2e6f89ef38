package dev.portico.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads {@code upstreams} and checks what no single entry can: unique names, and tool prefixes that keep every
 * upstream's tool names apart.
 */
final class UpstreamsReader {

    private UpstreamsReader() {}

    /** The upstreams in file order, or null when any has problems (already reported). */
    static List<UpstreamConfig> read(MappingReader root, Problems problems) {
        Optional<YamlNode.Sequence> found = root.sequence(
                "upstreams", "a list of upstreams", "upstreams: followed by one \"- name: ...\" entry per upstream");
        if (found.isEmpty()) {
            return root.has("upstreams") ? null : List.of();
        }
        int before = problems.count();
        List<UpstreamConfigReader.Entry> entries = new ArrayList<>();
        List<YamlNode> items = found.get().items();
        for (int i = 0; i < items.size(); i++) {
            String path = KeyPaths.index(root.pathOf("upstreams"), i);
            if (items.get(i) instanceof YamlNode.Null) {
                problems.add(
                        items.get(i).position(),
                        path,
                        "empty upstream entry",
                        "remove the lone \"-\", or put the upstream's keys after it");
                continue;
            }
            UpstreamConfigReader.Entry entry = UpstreamConfigReader.read(items.get(i), path, problems);
            if (entry != null) {
                entries.add(entry);
            }
        }
        rejectDuplicateNames(entries, problems);
        rejectCollidingPrefixes(entries, problems);
        checkTokenExchangeSubjects(entries, problems);
        if (problems.count() != before) {
            return null;
        }
        List<UpstreamConfig> upstreams = new ArrayList<>();
        entries.forEach(entry -> upstreams.add(Objects.requireNonNull(entry.config())));
        return upstreams;
    }

    private static void rejectDuplicateNames(List<UpstreamConfigReader.Entry> entries, Problems problems) {
        Map<String, UpstreamConfigReader.Entry> firstByName = new HashMap<>();
        for (UpstreamConfigReader.Entry entry : entries) {
            if (entry.name() == null) {
                continue;
            }
            UpstreamConfigReader.Entry first = firstByName.putIfAbsent(entry.name(), entry);
            if (first != null) {
                problems.add(
                        entry.namePosition(),
                        KeyPaths.child(entry.path(), "name"),
                        "duplicate upstream name \"" + entry.name() + "\" (lines "
                                + first.namePosition().line() + " and "
                                + entry.namePosition().line() + ")",
                        "give each upstream a unique name");
            }
        }
    }

    /**
     * Two upstreams with the same prefix would expose the same tool names with no way to tell them apart. Empty
     * prefixes are the exception: the admin asked for unprefixed names, and the aggregator resolves clashes between
     * unprefixed tools by config order.
     */
    private static void rejectCollidingPrefixes(List<UpstreamConfigReader.Entry> entries, Problems problems) {
        Map<String, UpstreamConfigReader.Entry> firstByPrefix = new HashMap<>();
        for (UpstreamConfigReader.Entry entry : entries) {
            if (entry.toolPrefix() == null || entry.toolPrefix().isEmpty()) {
                continue;
            }
            UpstreamConfigReader.Entry first = firstByPrefix.putIfAbsent(entry.toolPrefix(), entry);
            boolean alreadyReportedAsDuplicateName = first != null
                    && entry.toolPrefixKey().equals("name")
                    && first.toolPrefixKey().equals("name");
            if (first != null && !alreadyReportedAsDuplicateName) {
                problems.add(
                        entry.toolPrefixPosition(),
                        KeyPaths.child(entry.path(), entry.toolPrefixKey()),
                        "tool names would collide: upstreams " + describe(first) + " and " + describe(entry)
                                + " both use the tool prefix \"" + entry.toolPrefix() + "\"",
                        "set a different toolPrefix on one of them");
            }
        }
    }

    /**
     * A token-exchange upstream takes the session's token for its {@code subjectUpstream}, so that upstream must exist
     * and be one a user signs in to: not the upstream itself, not stdio (no token), and not another machine upstream
     * (exchanges do not chain: the session would never hold a token to start from).
     */
    private static void checkTokenExchangeSubjects(List<UpstreamConfigReader.Entry> entries, Problems problems) {
        Map<String, UpstreamConfigReader.Entry> byName = new HashMap<>();
        entries.stream().filter(e -> e.name() != null).forEach(e -> byName.putIfAbsent(e.name(), e));
        for (UpstreamConfigReader.Entry entry : entries) {
            Optional<TokenExchangeConfig> exchange = entry.config() == null
                    ? Optional.empty()
                    : entry.config().authOrDefaults().tokenExchange();
            if (exchange.isEmpty()) {
                continue;
            }
            String subject = exchange.get().subjectUpstream();
            String path = KeyPaths.child(entry.path(), "auth.tokenExchange.subjectUpstream");
            UpstreamConfigReader.Entry target = byName.get(subject);
            if (subject.equals(entry.name())) {
                problems.add(
                        entry.subjectUpstreamPosition(),
                        path,
                        "upstream \"" + subject + "\" cannot exchange its own token",
                        "name the upstream users sign in to whose token is exchanged for this one");
            } else if (target == null) {
                problems.add(
                        entry.subjectUpstreamPosition(),
                        path,
                        "no upstream is named \"" + subject + "\"",
                        "use the name of an HTTP upstream users sign in to; upstreams here: "
                                + String.join(
                                        ", ", byName.keySet().stream().sorted().toList()));
            } else if (target.config() != null && !target.config().transport().isHttp()) {
                problems.add(
                        entry.subjectUpstreamPosition(),
                        path,
                        "upstream \"" + subject + "\" uses transport stdio, for which Portico holds no token",
                        "name an HTTP upstream users sign in to");
            } else if (target.config() != null
                    && target.config().authOrDefaults().machineGrant()) {
                problems.add(
                        entry.subjectUpstreamPosition(),
                        path,
                        "upstream \"" + subject + "\" gets its tokens without a sign-in (client_credentials or"
                                + " tokenExchange), so it has no user token to exchange",
                        "name an upstream users sign in to; token exchanges do not chain");
            }
        }
    }

    private static String describe(UpstreamConfigReader.Entry entry) {
        String name = entry.name() == null ? entry.path() : "\"" + entry.name() + "\"";
        return name + " (line " + entry.toolPrefixPosition().line() + ")";
    }
}
