package io.rtprofile.state.inspect;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.schema.state.IdentityAssignment;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SavepointInspector} on a heap-backend savepoint (the RocksDB one is the committed fixture,
 * in local-cluster's StateCommandTest).
 */
class SavepointInspectorTest {

    @TempDir Path dir;

    @Test
    void readsAHeapSavepoint() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        var identities = env.fromData("email:a@x", "email:b@x", "crm:C1");
        SavepointWriter.newSavepoint(env, new HashMapStateBackend(), 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.IDENTITY_RESOLVER),
                        OperatorTransformation.bootstrapWith(identities)
                                .keyBy(i -> IdentityResolver.GRAPH, Types.STRING)
                                .transform(new AssignToOneProfile()))
                .write(dir.toUri().toString());
        env.execute("write a heap savepoint");

        SavepointInspection inspection = new SavepointInspector(1).inspect(dir);

        var resolver = inspection.operator(Uids.IDENTITY_RESOLVER).orElseThrow();
        assertThat(resolver.maxParallelism()).isEqualTo(128);
        assertThat(resolver.managedKeyedState()).isTrue();
        assertThat(resolver.stateBytes()).isPositive();
        var assignments = resolver.state("identity-assignments").orElseThrow();
        assertThat(assignments.keys()).isEqualTo(1);
        assertThat(assignments.entries()).isEqualTo(3);
        assertThat(resolver.state("profile-identities").orElseThrow().keys()).isZero();
    }

    /** Assigns every identity to profile p-1. */
    static final class AssignToOneProfile extends KeyedStateBootstrapFunction<String, String> {
        private transient MapState<String, IdentityAssignment> assignments;

        @Override
        public void open(OpenContext openContext) {
            assignments = getRuntimeContext().getMapState(IdentityResolver.assignmentsDescriptor());
        }

        @Override
        public void processElement(String identity, Context ctx) throws Exception {
            assignments.put(identity, new IdentityAssignment("p-1", 0L));
        }
    }
}
