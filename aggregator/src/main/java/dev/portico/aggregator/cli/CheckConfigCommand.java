package dev.portico.aggregator.cli;

import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import dev.portico.config.UpstreamConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code portico check-config --config FILE}: validates without listening or connecting to anything. */
@Command(
        name = "check-config",
        mixinStandardHelpOptions = true,
        description = {
            "Validate a config file without serving.",
            "",
            "Runs the same checks and environment substitution as a real start, but does not listen or connect to"
                    + " any upstream. Prints every problem as FILE:LINE:COLUMN: KEY PATH: problem — fix."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:The config is valid.", "2:The config is invalid, the file cannot be read, or invalid usage."
        })
final class CheckConfigCommand implements Callable<Integer> {

    @ParentCommand
    private PorticoMain main;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file to check.")
    private Path config;

    @Override
    public Integer call() {
        // A ConfigException reaches PorticoMain's handler, which prints every problem and exits 2.
        PorticoConfig loaded = ConfigLoader.withSystemEnvironment().load(config);
        main.out().println(config + ": valid (" + summary(loaded) + ")");
        return PorticoMain.EXIT_OK;
    }

    /** "0 upstreams", "1 upstream: a", "2 upstreams: a, b". */
    static String summary(PorticoConfig config) {
        int count = config.upstreams().size();
        String counted = count + (count == 1 ? " upstream" : " upstreams");
        if (count == 0) {
            return counted;
        }
        return counted + ": "
                + config.upstreams().stream().map(UpstreamConfig::name).collect(Collectors.joining(", "));
    }
}
