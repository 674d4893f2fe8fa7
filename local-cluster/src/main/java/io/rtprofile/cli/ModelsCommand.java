package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.models.scoring.ActiveModels;
import io.rtprofile.jobs.segments.definition.DefinitionProblem;
import io.rtprofile.local.models.ModelPublisher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code rtprofile models}: work with model definitions (contract section 6). */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description =
                "Model definitions: validate them, publish them to a running job, remove and list"
                        + " the published ones.",
        subcommands = {
            ModelsCommand.Validate.class,
            ModelsCommand.Publish.class,
            ModelsCommand.Remove.class,
            ModelsCommand.ListPublished.class,
            CommandLine.HelpCommand.class
        })
public final class ModelsCommand implements Runnable {

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
                "Check model definitions: structure, ids, algorithm, features (windows, CEL),"
                        + " label, examples, parameters, training policy.",
                "Prints 'N definitions OK', or each problem as file:line: reason and exits 1."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:all valid",
                "1:problems found (printed as file:line: reason)",
                "2:unusable arguments: missing or unreadable PATH"
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
                List<ModelDefinition> definitions = ModelDefinitions.load(path);
                out.println(
                        definitions.size()
                                + (definitions.size() == 1 ? " definition OK" : " definitions OK"));
                return 0;
            } catch (ModelDefinitionException e) {
                for (DefinitionProblem problem : e.problems()) {
                    err.println(problem);
                }
                return 1;
            } catch (IOException e) {
                err.println("rtprofile: cannot read " + path + ": " + e.getMessage());
                return 2;
            }
        }
    }

    /** Where the definitions are published: shared by publish, remove and list. */
    static final class TopicOptions {
        @Option(
                names = "--bootstrap-servers",
                required = true,
                paramLabel = "B",
                description = "Kafka bootstrap servers, host:port[,host:port...].")
        String bootstrapServers;

        @Option(
                names = "--topic",
                paramLabel = "T",
                defaultValue = "model-definitions",
                description = "The compacted definitions topic (default: ${DEFAULT-VALUE}).")
        String topic;

        ModelPublisher publisher() {
            return new ModelPublisher(bootstrapServers, topic);
        }
    }

    /** Adds or replaces definitions in running jobs. */
    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Adds or replaces model definitions in running jobs, without a restart: each"
                        + " definition of PATH is written to the compacted definitions topic as"
                        + " JSON, keyed by its id. The job's trainer publishes a first version at"
                        + " once; profiles take examples for it and are scored once it has learned"
                        + " from some.",
                "A replaced definition starts learning again from nothing (its inputs may mean"
                        + " something else now); its version numbers continue. A definition equal"
                        + " to the published one is left alone, its learning kept.",
                "PATH is validated first (problems as file:line: reason); nothing is written if"
                        + " any is invalid. Prints each id as added, replaced or unchanged."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:published",
                "1:invalid definitions: nothing written",
                "2:unusable arguments: missing PATH, unreachable broker"
            })
    static final class Publish implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin TopicOptions target;

        @Parameters(
                paramLabel = "PATH",
                description = "A .yaml, .yml or .json file, or a directory of them.")
        Path path;

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            List<ModelDefinition> definitions;
            try {
                definitions = loadDefinitions(path);
            } catch (ModelDefinitionException e) {
                e.problems().forEach(err::println);
                return 1;
            }
            ModelPublisher publisher = target.publisher();
            ModelPublisher.Outcome outcome;
            try {
                outcome = publisher.publish(definitions);
            } catch (ModelPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            Map<String, String> names = new TreeMap<>();
            definitions.forEach(d -> names.put(d.id(), d.name()));
            print(out, "added", outcome.added(), names);
            print(out, "replaced", outcome.replaced(), names);
            print(out, "unchanged", outcome.unchanged(), names);
            out.printf(
                    "%d added, %d replaced, %d unchanged on topic %s%n",
                    outcome.added().size(),
                    outcome.replaced().size(),
                    outcome.unchanged().size(),
                    publisher.topic());
            return 0;
        }

        private static void print(
                PrintWriter out, String what, List<String> ids, Map<String, String> names) {
            for (String id : ids) {
                out.printf("%-10s %-32s %s%n", what, id, names.getOrDefault(id, ""));
            }
        }
    }

    /** Removes published definitions (tombstones). */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Removes published model definitions from running jobs: writes a tombstone per"
                        + " ID. The trainer publishes a last version without a definition;"
                        + " profiles drop the model's score at their next update and stop taking"
                        + " examples for it. Publishing the id again later continues its version"
                        + " numbers and learns from nothing."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:removed (ids that were not published are reported, not an error)",
                "2:unusable arguments: unreachable broker"
            })
    static final class Remove implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin TopicOptions target;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Model ids to remove.")
        List<String> ids;

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            ModelPublisher.Outcome outcome;
            try {
                outcome = target.publisher().remove(ids);
            } catch (ModelPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            outcome.notPublished().forEach(id -> err.println(id + ": not published, skipped"));
            outcome.removed().forEach(id -> out.printf("%-10s %s%n", "removed", id));
            out.printf("%d removed from topic %s%n", outcome.removed().size(), target.topic);
            return 0;
        }
    }

    /** Lists the published definitions: id, name, and why one is not in force. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the model definitions currently published: one line per id with its name;"
                        + " a definition that jobs cannot use says why (not in force: ...)."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "2:unusable arguments: unreachable broker"})
    static final class ListPublished implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin TopicOptions target;

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            Map<String, String> published;
            try {
                published = target.publisher().list();
            } catch (ModelPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            ActiveModels.Resolution resolution = ActiveModels.resolve(published);
            Map<String, String> names = new TreeMap<>();
            resolution.models().models().forEach(m -> names.put(m.id(), m.definition().name()));
            for (String id : published.keySet()) {
                if (names.containsKey(id)) {
                    out.printf("%-32s %s%n", id, names.get(id));
                } else {
                    String reason =
                            resolution.refused().stream()
                                    .filter(r -> r.startsWith(id + ": "))
                                    .map(r -> r.substring(id.length() + 2).replace('\n', ' '))
                                    .findFirst()
                                    .orElse("unusable");
                    out.printf("%-32s (not in force: %s)%n", id, reason);
                }
            }
            out.printf("%d published on topic %s%n", published.size(), target.topic);
            return 0;
        }
    }

    /**
     * Loads definitions for publication: a missing or unreadable path is a usage problem (exit 2),
     * invalid definitions are the caller's to report (exit 1).
     */
    static List<ModelDefinition> loadDefinitions(Path path) throws ModelDefinitionException {
        if (!Files.exists(path)) {
            throw new UsageException("no such file or directory: " + path);
        }
        if (!Files.isReadable(path)) {
            throw new UsageException("cannot read: " + path);
        }
        try {
            return ModelDefinitions.load(path);
        } catch (IOException e) {
            throw new UsageException("cannot read " + path + ": " + e.getMessage());
        }
    }
}
