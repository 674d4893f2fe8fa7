package io.rtprofile.cli;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.migrate.MigrationPlan;
import io.rtprofile.state.migrate.MigrationPlanException;
import io.rtprofile.state.migrate.MigrationReport;
import io.rtprofile.state.migrate.SavepointMigration;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rtprofile state migrate}: a savepoint rewritten by a plan (docs/state-toolkit.md). */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a new savepoint: SAVEPOINT rewritten by a plan (YAML or JSON) that renames or"
                    + " drops attributes, drops segments' and models' state, or changes the max"
                    + " parallelism; the rest of the job's state is carried over. SAVEPOINT is"
                    + " never changed. Prints what changed, and warnings for names of the plan"
                    + " the savepoint does not have.",
            "Plan: attributes: {rename: {old: new}, drop: [name]}, segments: {drop: [id]},"
                    + " models: {drop: [id]}, maxParallelism: N (then run the job with"
                    + " pipeline.max-parallelism: N)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:written",
            "2:unusable input: a plan with problems (file:line: reason), SAVEPOINT not a"
                    + " savepoint of the profile job, --config invalid, or --output not empty"
        })
final class StateMigrateCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
            paramLabel = "SAVEPOINT",
            description = "The savepoint directory (or its _metadata file).")
    Path savepoint;

    @Option(
            names = "--plan",
            required = true,
            paramLabel = "FILE",
            description = "The migration plan (.yaml, .yml or .json).")
    Path plan;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "The new savepoint's directory (must not exist, or be empty).")
    Path output;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "The job's configuration file: its merge policy decides renames onto an"
                            + " existing attribute, its dedup horizon the event ids carried"
                            + " (default: the job's defaults).")
    Path config;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description =
                    "Parallelism of the local Flink that rewrites it (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MigrationReport report;
        try {
            MigrationPlan migration = MigrationPlan.read(plan);
            Configuration user =
                    config == null ? new Configuration() : JobConfiguration.load(config);
            ProfileJobSettings settings =
                    ProfileJobSettings.from(JobConfiguration.withJobDefaults(user));
            report =
                    new SavepointMigration(settings, parallelism)
                            .migrate(savepoint, migration, output);
        } catch (MigrationPlanException e) {
            // One line, every problem of the plan in it (file:line: reason; ...).
            err.println(
                    "rtprofile: "
                            + String.join(
                                    "; ", e.problems().stream().map(Object::toString).toList()));
            return 2;
        } catch (InvalidSavepointException
                | IllegalConfigurationException
                | IllegalArgumentException e) {
            err.println("rtprofile: " + e.getMessage());
            return 2;
        }
        report.lines().forEach(out::println);
        out.flush();
        return 0;
    }
}
