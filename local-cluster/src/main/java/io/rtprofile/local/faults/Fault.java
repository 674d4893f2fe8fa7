package io.rtprofile.local.faults;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What the fault suite breaks, one scenario each (docs/reliability.md). */
public enum Fault {
    TASKMANAGER_KILL(
            "taskmanager-kill",
            "kill -9 of a TaskManager mid-stream; a supervisor starts a new one at once"),
    BROKER_RESTART(
            "broker-restart", "the Kafka broker stopped (SIGTERM) and started again 5 s later"),
    CANCEL_RESUME(
            "cancel-resume",
            "the job cancelled and resubmitted from its latest retained checkpoint"),
    SAVEPOINT_RESTORE(
            "savepoint-restore",
            "stop-with-savepoint, then the job resubmitted from the savepoint"),
    BAD_RECORDS(
            "bad-records",
            "a burst of malformed and oversized records among the events (the job keeps running)");

    private final String label;
    private final String description;

    Fault(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The name on the command line and in the report. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The fault named {@code label}; the error lists the names there are. */
    public static Fault parse(String label) {
        for (Fault fault : values()) {
            if (fault.label.equals(label)) {
                return fault;
            }
        }
        throw new IllegalArgumentException(
                "unknown fault '"
                        + label
                        + "' (one of "
                        + Arrays.stream(values())
                                .map(Fault::label)
                                .collect(Collectors.joining(", "))
                        + ")");
    }
}
