package io.rtprofile.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * {@code rtprofile state ...} run in-process, its stdout and stderr kept, and lookups into the JSON
 * that {@code state inspect --json} prints.
 */
final class StateCli {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = new CommandLine(new StateCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** The operator of {@code inspect --json}'s {@code operators} named by {@code uid}. */
    static JsonNode operator(JsonNode operators, String uid) {
        for (JsonNode o : operators) {
            if (uid.equals(o.path("uid").asText())) {
                return o;
            }
        }
        throw new AssertionError("no operator " + uid + " in " + operators);
    }

    static JsonNode state(JsonNode operator, String name) {
        for (JsonNode s : operator.get("states")) {
            if (name.equals(s.get("name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no state " + name + " in " + operator);
    }
}
