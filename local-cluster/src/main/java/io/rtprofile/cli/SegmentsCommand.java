package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.jobs.segments.definition.DefinitionProblem;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionException;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.local.segments.SegmentPublisher;

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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code rtprofile segments}: work with segment definitions (contract section 5). */
@Command(
        name = "segments",
        mixinStandardHelpOptions = true,
        description =
                "Segment definitions: validate them, publish them to a running job, remove and"
                        + " list the published ones.",
        subcommands = {
            SegmentsCommand.Validate.class,
            SegmentsCommand.Publish.class,
            SegmentsCommand.Remove.class,
            SegmentsCommand.ListPublished.class,
            CommandLine.HelpCommand.class
        })
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
                defaultValue = "segment-definitions",
                description = "The compacted definitions topic (default: ${DEFAULT-VALUE}).")
        String topic;

        SegmentPublisher publisher() {
            return new SegmentPublisher(bootstrapServers, topic);
        }
    }

    /**
     * Adds or replaces definitions in running jobs. Exit 0 when published, 1 when a definition is
     * invalid or would not be in force (nothing is written then), 2 for unusable arguments.
     */
    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = {
                "Adds or replaces segment definitions in running jobs, without a restart: each"
                        + " definition of PATH is written to the compacted definitions topic as"
                        + " JSON, keyed by its id. Jobs re-evaluate every profile at once.",
                "PATH is validated first (problems as file:line: reason). Then PATH's definitions,"
                        + " over what the topic holds, must all be in force: one that refers to a"
                        + " segment neither in PATH nor published is refused, and nothing is"
                        + " written.",
                "Prints each id as added, replaced or unchanged."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:published",
                "1:invalid definitions, or some would not be in force: nothing written",
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
            requireReadable(path);
            SegmentPublisher publisher = target.publisher();
            List<SegmentDefinition> definitions;
            Map<String, String> published;
            SegmentPublisher.Outcome outcome;
            try {
                // References may name segments already published: they are known here.
                published = publisher.list();
                definitions = loadDefinitions(path, published.keySet());
            } catch (SegmentDefinitionException e) {
                for (DefinitionProblem problem : e.problems()) {
                    err.println(problem);
                }
                return 1;
            } catch (SegmentPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            try {
                outcome = publisher.publish(definitions, published);
            } catch (SegmentPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            if (outcome.refused()) {
                err.println(
                        "rtprofile: nothing published: these definitions would not be in force:");
                outcome.refusals().forEach(r -> err.println("  " + r));
                return 1;
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
                String name = names.get(id);
                out.printf(
                        "%-10s %-32s %s%n", what, id, name == null || name.isEmpty() ? "" : name);
            }
        }
    }

    /**
     * Removes published definitions (tombstones). Refuses, exit 1, when a remaining definition
     * refers to a removed one, unless --force.
     */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Removes published segment definitions from running jobs: writes a tombstone per"
                        + " ID. Members of a removed segment exit it at once.",
                "Refused (nothing written) when a remaining definition refers to a removed one,"
                        + " directly or through others, unless --force: that definition then stops"
                        + " being in force until the one it needs is published again."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:removed (ids that were not published are reported, not an error)",
                "1:a remaining definition refers to a removed one: nothing written",
                "2:unusable arguments: unreachable broker"
            })
    static final class Remove implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin TopicOptions target;

        @Option(
                names = "--force",
                description = "Remove even when remaining definitions refer to removed ones.")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Segment ids to remove.")
        List<String> ids;

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            SegmentPublisher.Outcome outcome;
            try {
                outcome = target.publisher().remove(ids, force);
            } catch (SegmentPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            outcome.notPublished().forEach(id -> err.println(id + ": not published, skipped"));
            if (outcome.refused()) {
                err.println(
                        "rtprofile: nothing removed: these definitions refer to removed ones and"
                                + " would no longer be in force (use --force to remove anyway):");
                outcome.refusals().forEach(r -> err.println("  " + r));
                return 1;
            }
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
                "Lists the segment definitions currently published: one line per id with its"
                        + " name; a definition that jobs cannot use says why (not in force: ...)."
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
            } catch (SegmentPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            SegmentCatalog.Resolution resolution = SegmentCatalog.resolve(published);
            Map<String, String> names = new TreeMap<>();
            resolution.active().forEach(d -> names.put(d.id(), d.name()));
            for (String id : published.keySet()) {
                if (names.containsKey(id)) {
                    out.printf("%-32s %s%n", id, names.get(id) == null ? "" : names.get(id));
                } else {
                    String reason =
                            resolution.refused().stream()
                                    .filter(r -> r.startsWith(id + ": "))
                                    .map(r -> r.substring(id.length() + 2))
                                    .findFirst()
                                    .orElse("unusable");
                    out.printf("%-32s (not in force: %s)%n", id, reason);
                }
            }
            out.printf("%d published on topic %s%n", published.size(), target.topic);
            return 0;
        }
    }

    private static void requireReadable(Path path) {
        if (!Files.exists(path)) {
            throw new UsageException("no such file or directory: " + path);
        }
        if (!Files.isReadable(path)) {
            throw new UsageException("cannot read: " + path);
        }
    }

    /**
     * Loads definitions for publication: a missing or unreadable path is a usage problem (exit 2),
     * invalid definitions are the caller's to report (exit 1).
     */
    static List<SegmentDefinition> loadDefinitions(Path path, Set<String> known)
            throws SegmentDefinitionException {
        requireReadable(path);
        try {
            return SegmentDefinitions.load(path, known);
        } catch (IOException e) {
            throw new UsageException("cannot read " + path + ": " + e.getMessage());
        }
    }
}
