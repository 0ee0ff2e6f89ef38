package dev.portico.aggregator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs {@link PorticoMain} as a child JVM from the test class path. */
final class PorticoProcess {

    private PorticoProcess() {}

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                PorticoMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String javaBinary() {
        boolean windows = System.getProperty("os.name", "").toLowerCase().contains("win");
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }
}
