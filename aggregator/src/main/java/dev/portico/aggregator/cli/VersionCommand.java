package dev.portico.aggregator.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code portico version}. */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = "Print Portico's version: portico VERSION.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:Success.", "2:Invalid usage."})
final class VersionCommand implements Callable<Integer> {

    @ParentCommand
    private PorticoMain main;

    @Override
    public Integer call() {
        main.out().println("portico " + PorticoVersion.current());
        return PorticoMain.EXIT_OK;
    }
}
