package io.rtprofile.local.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How a local cluster is laid out: ports, TaskManagers and their slots, memory. Stored in the home
 * at start ({@link ClusterHome#saveSettings}) so that later commands know where to connect.
 *
 * @param restPort the JobManager's REST API and Web UI
 * @param rpcPort the JobManager's RPC endpoint, where TaskManagers register
 * @param kafkaPort the broker's client listener
 * @param controllerPort the KRaft controller listener of the same process
 * @param taskManagers TaskManager processes
 * @param slots task slots per TaskManager
 * @param taskManagerMemory {@code taskmanager.memory.process.size} of each TaskManager
 * @param jobManagerMemory {@code jobmanager.memory.process.size}
 * @param brokerHeap the broker's {@code -Xmx}
 */
public record ClusterSettings(
        int restPort,
        int rpcPort,
        int kafkaPort,
        int controllerPort,
        int taskManagers,
        int slots,
        String taskManagerMemory,
        String jobManagerMemory,
        String brokerHeap) {

    public static final int DEFAULT_REST_PORT = 8081;
    public static final int DEFAULT_RPC_PORT = 6123;
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;

    public ClusterSettings {
        if (taskManagers < 1) {
            throw new ClusterException("--task-managers must be at least 1");
        }
        if (slots < 1) {
            throw new ClusterException("--slots must be at least 1");
        }
    }

    /** Two TaskManagers of two slots: the job at parallelism 2 twice over, or two jobs. */
    public static ClusterSettings defaults() {
        return new ClusterSettings(
                DEFAULT_REST_PORT,
                DEFAULT_RPC_PORT,
                DEFAULT_KAFKA_PORT,
                DEFAULT_CONTROLLER_PORT,
                2,
                2,
                "1280m",
                "1280m",
                "768m");
    }

    public ClusterSettings withPorts(int rest, int rpc, int kafka, int controller) {
        return new ClusterSettings(
                rest,
                rpc,
                kafka,
                controller,
                taskManagers,
                slots,
                taskManagerMemory,
                jobManagerMemory,
                brokerHeap);
    }

    public ClusterSettings withTaskManagers(int count, int slotsEach) {
        return new ClusterSettings(
                restPort,
                rpcPort,
                kafkaPort,
                controllerPort,
                count,
                slotsEach,
                taskManagerMemory,
                jobManagerMemory,
                brokerHeap);
    }

    public String webUrl() {
        return "http://localhost:" + restPort;
    }

    public String bootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    /**
     * The Flink configuration ({@code config.yaml}) shared by the JobManager and TaskManagers, flat
     * keys in the order written.
     */
    Map<String, String> flinkConfiguration(ClusterHome home) {
        Map<String, String> conf = new LinkedHashMap<>();
        // Everything on loopback: a development cluster is not reachable from the network.
        conf.put("jobmanager.rpc.address", "localhost");
        conf.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        conf.put("jobmanager.bind-host", "localhost");
        conf.put("taskmanager.host", "localhost");
        conf.put("taskmanager.bind-host", "localhost");
        conf.put("rest.address", "localhost");
        conf.put("rest.bind-address", "localhost");
        conf.put("rest.port", Integer.toString(restPort));
        conf.put("jobmanager.memory.process.size", jobManagerMemory);
        // A session cluster runs each submission's main() in the JobManager with a class loader
        // of its own, and the job's libraries (Kafka clients, Avro, CEL) keep some of those alive
        // after the job ends: at the default 256 MB the JobManager died of a Metaspace OOM after
        // about nine submissions of the fault suite. Application mode (docs/deploy.md) has one
        // job per JobManager and never accumulates them.
        conf.put("jobmanager.memory.jvm-metaspace.size", "640m");
        conf.put("taskmanager.memory.process.size", taskManagerMemory);
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        conf.put("parallelism.default", "2");
        // A job's tasks on every TaskManager, not packed on the first: losing one TaskManager
        // then is a failure of that job, as in a deployment.
        conf.put("taskmanager.load-balance.mode", "SLOTS");
        // The job's own defaults, stated here too so that any job on this cluster gets them:
        // RocksDB with incremental checkpoints, kept in the home beside the savepoints.
        conf.put("state.backend.type", "rocksdb");
        conf.put("execution.checkpointing.incremental", "true");
        conf.put("execution.checkpointing.dir", home.checkpoints().toUri().toString());
        conf.put("execution.checkpointing.savepoint-dir", home.savepoints().toUri().toString());
        // A cancelled job (or a cluster stopped under it) leaves its last checkpoints behind:
        // `submit --from-savepoint` resumes from one (docs: a local cluster).
        conf.put("execution.checkpointing.num-retained", "3");
        conf.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.put("io.tmp.dirs", home.tmp().toString());
        conf.put("web.upload.dir", home.tmp().resolve("jars").toString());
        return conf;
    }

    /**
     * The broker's {@code server.properties}: one KRaft node, broker and controller in one process
     * on loopback, with the single-node settings every transactional producer needs.
     */
    Map<String, String> brokerProperties(ClusterHome home) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        props.put(
                "listeners",
                "PLAINTEXT://localhost:" + kafkaPort + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + kafkaPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", home.kafkaData().toString());
        // One node: internal topics have one replica, and the transaction log must accept writes
        // with one in-sync replica, or the job's exactly-once sinks never initialise.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Kafka's default ceiling, stated: the job's sinks ask for 10 min (transaction-timeout).
        props.put("transaction.max.timeout.ms", "900000");
        // Topics exist because `cluster start` created them with the settings that matter.
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "2");
        return props;
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("rest.port", Integer.toString(restPort));
        p.setProperty("rpc.port", Integer.toString(rpcPort));
        p.setProperty("kafka.port", Integer.toString(kafkaPort));
        p.setProperty("controller.port", Integer.toString(controllerPort));
        p.setProperty("task-managers", Integer.toString(taskManagers));
        p.setProperty("slots", Integer.toString(slots));
        p.setProperty("task-manager.memory", taskManagerMemory);
        p.setProperty("job-manager.memory", jobManagerMemory);
        p.setProperty("broker.heap", brokerHeap);
        return p;
    }

    static ClusterSettings fromProperties(Properties p) {
        ClusterSettings d = defaults();
        return new ClusterSettings(
                Integer.parseInt(p.getProperty("rest.port", "" + d.restPort)),
                Integer.parseInt(p.getProperty("rpc.port", "" + d.rpcPort)),
                Integer.parseInt(p.getProperty("kafka.port", "" + d.kafkaPort)),
                Integer.parseInt(p.getProperty("controller.port", "" + d.controllerPort)),
                Integer.parseInt(p.getProperty("task-managers", "" + d.taskManagers)),
                Integer.parseInt(p.getProperty("slots", "" + d.slots)),
                p.getProperty("task-manager.memory", d.taskManagerMemory),
                p.getProperty("job-manager.memory", d.jobManagerMemory),
                p.getProperty("broker.heap", d.brokerHeap));
    }
}
