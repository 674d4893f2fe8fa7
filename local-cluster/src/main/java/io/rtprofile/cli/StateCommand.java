package io.rtprofile.cli;

import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.inspect.SavepointInspection;
import io.rtprofile.state.inspect.SavepointInspection.Operator;
import io.rtprofile.state.inspect.SavepointInspection.State;
import io.rtprofile.state.inspect.SavepointInspector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rtprofile state}: the savepoint toolkit (issue 6). */
@Command(
        name = "state",
        mixinStandardHelpOptions = true,
        description =
                "The savepoint toolkit: look into, export, seed and rewrite the job's savepoints"
                        + " (docs/state-toolkit.md).",
        subcommands = {
            StateCommand.Inspect.class,
            StateExportCommand.class,
            StateBootstrapCommand.class,
            StateMigrateCommand.class,
            CommandLine.HelpCommand.class
        })
public final class StateCommand extends DefinitionCommands.Group {

    /** Operators, state names, key counts and sizes of a savepoint. */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = {
                "Prints what a savepoint or retained checkpoint holds: each operator with state"
                        + " (its UID when it is one of the job's, else its hash and 'unknown uid'),"
                        + " its parallelism / max parallelism, state bytes, and its state names;"
                        + " for the job's own keyed states, the keys with a value (profiles,"
                        + " identities, models) and a map state's entries, read with the job's"
                        + " descriptors on a local Flink.",
                "Canonical savepoints of the RocksDB and heap backends, and retained RocksDB"
                        + " checkpoints, are read."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:inspected",
                "2:unusable PATH (missing, no _metadata, unreadable metadata or state),"
                        + " or --uid not in the savepoint"
            })
    static final class Inspect implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(
                paramLabel = "PATH",
                description = "The savepoint directory (or its _metadata file).")
        Path path;

        @Option(names = "--json", description = "One JSON document instead of the table.")
        boolean json;

        @Option(
                names = "--metadata-only",
                description = "Only the metadata: no key counts, no local Flink (instant).")
        boolean metadataOnly;

        @Option(
                names = "--uid",
                paramLabel = "UID",
                description = "Only this operator (a UID of the job, or an operator id in hex).")
        String uid;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            SavepointInspection inspection;
            try {
                SavepointInspector inspector = new SavepointInspector(2);
                inspection =
                        metadataOnly ? inspector.inspectMetadata(path) : inspector.inspect(path);
            } catch (InvalidSavepointException e) {
                err.println("rtprofile: " + e.getMessage());
                return 2;
            }
            if (uid != null) {
                List<Operator> chosen = new ArrayList<>();
                for (Operator o : inspection.operators()) {
                    if (uid.equals(o.uid()) || uid.equalsIgnoreCase(o.operatorId())) {
                        chosen.add(o);
                    }
                }
                if (chosen.isEmpty()) {
                    err.println(
                            "rtprofile: unknown uid: no operator '"
                                    + uid
                                    + "' in "
                                    + inspection.path());
                    return 2;
                }
                inspection =
                        new SavepointInspection(
                                inspection.path(), inspection.checkpointId(), chosen);
            }
            if (json) {
                out.println(
                        new ObjectMapper()
                                .enable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(inspection));
            } else {
                printTable(out, inspection);
            }
            out.flush();
            return 0;
        }

        static void printTable(PrintWriter out, SavepointInspection inspection) {
            out.printf(
                    "savepoint %s (checkpoint %d), %d operators with state%n%n",
                    inspection.path(), inspection.checkpointId(), inspection.operators().size());
            String row = "%-40s %-12s %12s  %s%n";
            out.printf(row, "OPERATOR", "PARALLELISM", "STATE BYTES", "STATES");
            for (Operator o : inspection.operators()) {
                String name = o.uid() != null ? o.uid() : o.operatorId() + " (unknown uid)";
                List<String> states = new ArrayList<>();
                for (State s : o.states()) {
                    states.add(describe(s));
                }
                if (states.isEmpty()) {
                    states.add(
                            o.managedKeyedState() || o.managedOperatorState()
                                    ? "(names unreadable)"
                                    : "-");
                }
                out.printf(
                        row,
                        name,
                        o.parallelism() + "/" + o.maxParallelism(),
                        o.stateBytes(),
                        states.get(0));
                for (String s : states.subList(1, states.size())) {
                    out.printf(row, "", "", "", s);
                }
            }
        }

        private static String describe(State s) {
            StringBuilder b = new StringBuilder(s.name());
            b.append(s.keyed() ? " (keyed" : " (operator");
            if (s.keys() != null) {
                b.append(": ").append(s.keys()).append(s.keys() == 1 ? " key" : " keys");
            }
            if (s.entries() != null) {
                b.append(", ").append(s.entries()).append(s.entries() == 1 ? " entry" : " entries");
            }
            return b.append(')').toString();
        }
    }
}
