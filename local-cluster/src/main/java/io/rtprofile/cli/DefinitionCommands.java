package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.jobs.segments.definition.DefinitionProblem;
import io.rtprofile.local.definitions.DefinitionKind;
import io.rtprofile.local.definitions.DefinitionPublisher;
import io.rtprofile.local.definitions.InvalidDefinitionsException;

import picocli.CommandLine;
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

/**
 * The validate, publish, remove and list subcommands of {@code rtprofile segments} and {@code
 * rtprofile models} (contract sections 5 and 6): they behave the same for every kind of definition.
 * Each command subclasses these with its own names and help texts, and its {@link DefinitionKind}.
 */
final class DefinitionCommands {
    private DefinitionCommands() {}

    /** {@code rtprofile segments} or {@code rtprofile models} alone: prints its usage. */
    abstract static class Group implements Runnable {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /**
     * Loads and statically checks definitions. Exit 0 when all are valid, 1 when any problem is
     * found (each printed as {@code file:line: reason}), 2 when the path itself is unusable.
     */
    abstract static class Validate<D> implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(
                paramLabel = "PATH",
                description = "A .yaml, .yml or .json file, or a directory of them.")
        Path path;

        private final DefinitionKind<D> kind;

        Validate(DefinitionKind<D> kind) {
            this.kind = kind;
        }

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
                List<D> definitions = kind.load(path, Set.of());
                out.println(
                        definitions.size()
                                + (definitions.size() == 1 ? " definition OK" : " definitions OK"));
                return 0;
            } catch (InvalidDefinitionsException e) {
                printProblems(err, e);
                return 1;
            } catch (IOException e) {
                err.println("rtprofile: cannot read " + path + ": " + e.getMessage());
                return 2;
            }
        }
    }

    /**
     * Where the definitions are published: shared by publish, remove and list. The --topic default
     * is the kind's topic, set as the field's initial value: an annotation's defaultValue has to be
     * a constant, and picocli shows an initial value as the default all the same.
     */
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
                description = "The compacted definitions topic (default: ${DEFAULT-VALUE}).")
        String topic;

        TopicOptions(DefinitionKind<?> kind) {
            this.topic = kind.defaultTopic();
        }
    }

    /** A subcommand that works on the published definitions: publish, remove and list. */
    abstract static class OnTopic<D> implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin TopicOptions target;

        final DefinitionKind<D> kind;

        OnTopic(DefinitionKind<D> kind) {
            this.kind = kind;
            this.target = new TopicOptions(kind);
        }

        DefinitionPublisher<D> publisher() {
            return new DefinitionPublisher<>(target.bootstrapServers, target.topic, kind);
        }
    }

    /**
     * Adds or replaces definitions in running jobs. Exit 0 when published, 1 when a definition is
     * invalid or would not be in force (nothing is written then), 2 for unusable arguments.
     */
    abstract static class Publish<D> extends OnTopic<D> {

        @Parameters(
                paramLabel = "PATH",
                description = "A .yaml, .yml or .json file, or a directory of them.")
        Path path;

        Publish(DefinitionKind<D> kind) {
            super(kind);
        }

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            DefinitionPublisher<D> publisher = publisher();
            List<D> definitions;
            Map<String, String> published;
            DefinitionPublisher.Outcome outcome;
            try {
                if (kind.refersToOthers()) {
                    // References may name definitions already published: they are known here.
                    requireReadable(path);
                    published = publisher.list();
                    definitions = loadDefinitions(kind, path, published.keySet());
                } else {
                    // Standalone definitions are checked first: no broker is needed to refuse them.
                    definitions = loadDefinitions(kind, path, Set.of());
                    published = publisher.list();
                }
            } catch (InvalidDefinitionsException e) {
                printProblems(err, e);
                return 1;
            } catch (DefinitionPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            try {
                outcome = publisher.publish(definitions, published);
            } catch (DefinitionPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            if (outcome.refused()) {
                err.println(
                        "rtprofile: nothing published: these definitions would not be in force:");
                outcome.refusals().forEach(r -> err.println("  " + r));
                return 1;
            }
            Map<String, String> names = new TreeMap<>();
            definitions.forEach(d -> names.put(kind.id(d), kind.name(d)));
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
     * refers to a removed one, unless {@link #force()}.
     */
    abstract static class Remove<D> extends OnTopic<D> {

        Remove(DefinitionKind<D> kind) {
            super(kind);
        }

        /** The ids to remove: the command's parameters, whose help names the kind. */
        abstract List<String> ids();

        /** Whether to remove even what remaining definitions refer to. */
        boolean force() {
            return false;
        }

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            DefinitionPublisher.Outcome outcome;
            try {
                outcome = publisher().remove(ids(), force());
            } catch (DefinitionPublisher.UnreachableException e) {
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
    abstract static class ListPublished<D> extends OnTopic<D> {

        ListPublished(DefinitionKind<D> kind) {
            super(kind);
        }

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            Map<String, String> published;
            try {
                published = publisher().list();
            } catch (DefinitionPublisher.UnreachableException e) {
                throw new UsageException(e.getMessage());
            }
            DefinitionKind.Resolution resolution = kind.resolve(published);
            for (String id : published.keySet()) {
                if (resolution.names().containsKey(id)) {
                    out.printf("%-32s %s%n", id, resolution.names().get(id));
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

    private static void printProblems(PrintWriter err, InvalidDefinitionsException e) {
        for (DefinitionProblem problem : e.problems()) {
            err.println(problem);
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
    static <D> List<D> loadDefinitions(DefinitionKind<D> kind, Path path, Set<String> known)
            throws InvalidDefinitionsException {
        requireReadable(path);
        try {
            return kind.load(path, known);
        } catch (IOException e) {
            throw new UsageException("cannot read " + path + ": " + e.getMessage());
        }
    }
}
