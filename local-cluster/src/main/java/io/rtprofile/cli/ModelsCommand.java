package io.rtprofile.cli;

import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.local.models.ModelPublisher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

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
public final class ModelsCommand extends DefinitionCommands.Group {

    /** Checks model definitions (see {@link DefinitionCommands.Validate}). */
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
    static final class Validate extends DefinitionCommands.Validate<ModelDefinition> {
        Validate() {
            super(ModelPublisher.MODELS);
        }
    }

    /** Publishes model definitions (see {@link DefinitionCommands.Publish}). */
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
    static final class Publish extends DefinitionCommands.Publish<ModelDefinition> {
        Publish() {
            super(ModelPublisher.MODELS);
        }
    }

    /** Removes published model definitions (see {@link DefinitionCommands.Remove}). */
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
    static final class Remove extends DefinitionCommands.Remove<ModelDefinition> {

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Model ids to remove.")
        List<String> ids;

        Remove() {
            super(ModelPublisher.MODELS);
        }

        @Override
        List<String> ids() {
            return ids;
        }
    }

    /** Lists the published model definitions (see {@link DefinitionCommands.ListPublished}). */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the model definitions currently published: one line per id with its name;"
                        + " a definition that jobs cannot use says why (not in force: ...)."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "2:unusable arguments: unreachable broker"})
    static final class ListPublished extends DefinitionCommands.ListPublished<ModelDefinition> {
        ListPublished() {
            super(ModelPublisher.MODELS);
        }
    }
}
