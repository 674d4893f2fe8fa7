package io.rtprofile.state.inspect;

import java.util.List;
import java.util.Optional;

/**
 * What {@link SavepointInspector} found in a savepoint or retained checkpoint.
 *
 * @param path the savepoint directory (or its {@code _metadata} file)
 * @param checkpointId the checkpoint id the savepoint was taken at
 * @param operators every operator with state, known UIDs first in the job's order
 */
public record SavepointInspection(String path, long checkpointId, List<Operator> operators) {

    /** The operator with this UID, if the savepoint has it. */
    public Optional<Operator> operator(String uid) {
        return operators.stream().filter(o -> uid.equals(o.uid())).findFirst();
    }

    /**
     * One operator's state.
     *
     * @param operatorId the operator id (the hash of its UID), hex
     * @param uid the UID, or null when it is none of {@link io.rtprofile.jobs.Uids}
     * @param stateBytes the total size of the operator's state, all subtasks
     * @param managedKeyedState whether any subtask has managed keyed state
     * @param managedOperatorState whether any subtask has managed operator state
     * @param states the state names with what was counted in them, keyed states first
     */
    public record Operator(
            String operatorId,
            String uid,
            int parallelism,
            int maxParallelism,
            long stateBytes,
            boolean managedKeyedState,
            boolean managedOperatorState,
            List<State> states) {

        /** The state of this name, if the operator has it. */
        public Optional<State> state(String name) {
            return states.stream().filter(s -> name.equals(s.name())).findFirst();
        }
    }

    /**
     * One named state of an operator.
     *
     * @param keyed keyed state (otherwise operator state)
     * @param keys the keys with a value in it, when counted (null otherwise)
     * @param entries for a map state, the entries of all keys, when counted (null otherwise)
     */
    public record State(String name, boolean keyed, Long keys, Long entries) {}
}
