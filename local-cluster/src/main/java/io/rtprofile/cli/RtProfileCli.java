package io.rtprofile.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rtprofile} command line: one subcommand per capability (contract section 2). */
@Command(
        name = "rtprofile",
        mixinStandardHelpOptions = true,
        versionProvider = RtProfileCli.Version.class,
        description = "Real-time customer profile engine on Apache Flink.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            GenerateCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            BenchCommand.class,
            SegmentsCommand.class,
            ModelsCommand.class,
            StateCommand.class,
            LoadCommand.class,
            VerifyCommand.class,
            ClusterCommand.class,
            ViewerCommand.class,
            CommandLine.HelpCommand.class
        })
public final class RtProfileCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before anything logs: the CLI's own quiet logging configuration.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "rtprofile-log4j2.properties");
        }
        String level = System.getenv("RTPROFILE_LOG_LEVEL");
        if (level != null && System.getProperty("rtprofile.log.level") == null) {
            System.setProperty("rtprofile.log.level", level);
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run commands through it exactly as the script does. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RtProfileCli());
        cli.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    // Usage problems are the user's to fix: one clear line, no stack trace.
                    if (ex instanceof UsageException) {
                        cmd.getErr().println("rtprofile: " + ex.getMessage());
                        return 2;
                    }
                    throw ex;
                });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A problem with arguments or input files that the user has to fix (exit code 2). */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RtProfileCli.class.getPackage().getImplementationVersion();
            return new String[] {"rtprofile " + (v == null ? "development build" : v)};
        }
    }
}
