package io.rtprofile.cli;

import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionException;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.definition.SegmentProblem;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rtprofile segments}: work with segment definitions (contract section 5). */
@Command(
        name = "segments",
        mixinStandardHelpOptions = true,
        description = "Segment definitions: validate them before they are published.",
        subcommands = {SegmentsCommand.Validate.class, CommandLine.HelpCommand.class})
public final class SegmentsCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Loads and statically checks definitions. Exit 0 when all are valid, 1 when any problem is
     * found (each printed as {@code file:line: reason}), 2 when the path itself is unusable.
     */
    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = {
                "Check definitions: structure, ids, windows, comparisons, CEL, references, cycles.",
                "Prints 'N definitions OK', or each problem as file:line: reason and exits 1."
            })
    static final class Validate implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(
                paramLabel = "PATH",
                description = "A .yaml, .yml or .json file, or a directory of them.")
        Path path;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            if (!Files.exists(path)) {
                err.println("rtprofile: no such file or directory: " + path);
                return 2;
            }
            if (!Files.isReadable(path)) {
                err.println("rtprofile: cannot read: " + path);
                return 2;
            }
            try {
                List<SegmentDefinition> definitions = SegmentDefinitions.load(path);
                out.println(
                        definitions.size()
                                + (definitions.size() == 1 ? " definition OK" : " definitions OK"));
                return 0;
            } catch (SegmentDefinitionException e) {
                for (SegmentProblem problem : e.problems()) {
                    err.println(problem);
                }
                return 1;
            } catch (IOException e) {
                err.println("rtprofile: cannot read " + path + ": " + e.getMessage());
                return 2;
            }
        }
    }
}
