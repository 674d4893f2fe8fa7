package io.rtprofile.cli;

import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.local.segments.SegmentPublisher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

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
public final class SegmentsCommand extends DefinitionCommands.Group {

    /** Checks segment definitions (see {@link DefinitionCommands.Validate}). */
    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = {
                "Check definitions: structure, ids, windows, comparisons, CEL, references, cycles.",
                "Prints 'N definitions OK', or each problem as file:line: reason and exits 1."
            })
    static final class Validate extends DefinitionCommands.Validate<SegmentDefinition> {
        Validate() {
            super(SegmentPublisher.SEGMENTS);
        }
    }

    /** Publishes segment definitions (see {@link DefinitionCommands.Publish}). */
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
    static final class Publish extends DefinitionCommands.Publish<SegmentDefinition> {
        Publish() {
            super(SegmentPublisher.SEGMENTS);
        }
    }

    /** Removes published segment definitions (see {@link DefinitionCommands.Remove}). */
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
    static final class Remove extends DefinitionCommands.Remove<SegmentDefinition> {

        @Option(
                names = "--force",
                description = "Remove even when remaining definitions refer to removed ones.")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Segment ids to remove.")
        List<String> ids;

        Remove() {
            super(SegmentPublisher.SEGMENTS);
        }

        @Override
        List<String> ids() {
            return ids;
        }

        @Override
        boolean force() {
            return force;
        }
    }

    /** Lists the published segment definitions (see {@link DefinitionCommands.ListPublished}). */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the segment definitions currently published: one line per id with its"
                        + " name; a definition that jobs cannot use says why (not in force: ...)."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "2:unusable arguments: unreachable broker"})
    static final class ListPublished extends DefinitionCommands.ListPublished<SegmentDefinition> {
        ListPublished() {
            super(SegmentPublisher.SEGMENTS);
        }
    }
}
