package io.rtprofile.local.cluster;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.local.demo.Demo;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster (one JobManager, N TaskManagers) and a KRaft Kafka broker,
 * each its own JVM, started from the jars Maven resolved into {@code flink-lib/} and {@code
 * kafka-lib/}: what a deployment runs, on one machine. Every operation works from a fresh JVM: the
 * state is the {@link ClusterHome}.
 */
public final class LocalCluster {

    static final String KAFKA = "kafka";
    static final String JOB_MANAGER = "jobmanager";
    static final String TASK_MANAGER = "taskmanager-";

    /** What Flink on Java 17 reflects into: the flags of Flink's own scripts and our launcher. */
    static final List<String> ADD_OPENS =
            List.of(
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED");

    private static final String RESULT_MARK = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final ClusterHome home;
    private final ClusterLibraries libraries;

    public LocalCluster(ClusterHome home, ClusterLibraries libraries) {
        this.home = home;
        this.libraries = libraries;
    }

    public ClusterHome home() {
        return home;
    }

    /** The settings of the cluster in this home (started now or last time). */
    public ClusterSettings settings() {
        return home.loadSettings()
                .orElseThrow(
                        () ->
                                new ClusterException(
                                        "no cluster in "
                                                + home
                                                + ": start one with `rtprofile cluster start`"));
    }

    /** Every process of the cluster, in start order, with its pid and whether it is alive. */
    public List<ProcessState> processes() {
        int taskManagers = home.loadSettings().map(ClusterSettings::taskManagers).orElse(0);
        List<ProcessState> states = new ArrayList<>();
        for (ClusterProcess process : processList(taskManagers)) {
            Optional<Long> live = process.livePid();
            states.add(
                    new ProcessState(
                            process.name(),
                            live.or(process::recordedPid).orElse(-1L),
                            live.isPresent(),
                            process.logFile()));
        }
        return states;
    }

    /** Whether any process of this home is alive. */
    public boolean running() {
        return processes().stream().anyMatch(ProcessState::alive);
    }

    /**
     * Starts the broker, the JobManager and the TaskManagers; returns when the REST API counts
     * every TaskManager and the broker serves the job's topics (created if absent).
     */
    public void start(ClusterSettings settings, Consumer<String> progress) {
        if (running()) {
            throw new ClusterException(
                    "a cluster already runs in " + home + " (see `rtprofile cluster status`)");
        }
        libraries.check();
        requireFreePorts(settings);
        home.createDirectories();
        home.saveSettings(settings);
        writeFlinkConfiguration(settings);
        writeBrokerConfiguration(settings);
        progress.accept("rtprofile cluster: starting in " + home);
        try {
            // Three short JVMs that do not depend on each other: run them side by side.
            CompletableFuture<Void> format = CompletableFuture.runAsync(this::formatBrokerStorage);
            CompletableFuture<List<String>> jmParams =
                    CompletableFuture.supplyAsync(
                            () -> resourceParameters("GET_JM_RESOURCE_PARAMS"));
            // The scripts compute a TaskManager's memory (heap, direct, metaspace, managed for
            // RocksDB) from config.yaml the same way; TaskManagerRunner refuses to start without.
            CompletableFuture<List<String>> tmParams =
                    CompletableFuture.supplyAsync(
                            () -> resourceParameters("GET_TM_RESOURCE_PARAMS"));
            join(format);
            long broker = startBroker(settings);
            progress.accept("  Kafka broker (KRaft): pid " + broker);
            List<String> jm = join(jmParams);
            long jobManager =
                    process(JOB_MANAGER)
                            .start(
                                    flinkJvmOptions(JOB_MANAGER, jm.get(0)),
                                    libraries.flinkLib(),
                                    "org.apache.flink.runtime.entrypoint"
                                            + ".StandaloneSessionClusterEntrypoint",
                                    flinkArgs(jm.size() > 1 ? jm.get(1) : ""));
            progress.accept("  JobManager: pid " + jobManager);
            List<String> tm = join(tmParams);
            for (int i = 1; i <= settings.taskManagers(); i++) {
                progress.accept("  TaskManager " + i + ": pid " + startTaskManager(i, tm));
            }
            createTopics(settings);
            awaitTaskManagers(settings);
        } catch (RuntimeException e) {
            stop(Duration.ofSeconds(10));
            throw e;
        }
    }

    /**
     * Stops the TaskManagers, the JobManager and the broker: SIGTERM, SIGKILL after {@code grace}.
     * Running jobs end with the cluster; their retained checkpoints stay in the home.
     *
     * @return the names of the processes that were alive
     */
    public List<String> stop(Duration grace) {
        int taskManagers = home.loadSettings().map(ClusterSettings::taskManagers).orElse(0);
        List<ClusterProcess> workers = new ArrayList<>();
        for (int i = 1; i <= taskManagers; i++) {
            workers.add(process(TASK_MANAGER + i));
        }
        // Workers first (together: each may take its grace period), then the master, then the
        // broker the jobs write to.
        List<String> stopped =
                new ArrayList<>(
                        workers.parallelStream()
                                .filter(p -> p.stop(grace))
                                .map(ClusterProcess::name)
                                .toList());
        for (ClusterProcess process : List.of(process(JOB_MANAGER), process(KAFKA))) {
            if (process.stop(grace)) {
                stopped.add(process.name());
            }
        }
        return stopped;
    }

    public FlinkRestClient rest() {
        return new FlinkRestClient(settings().webUrl());
    }

    /**
     * Uploads {@code jobJar} and runs it at {@code parallelism} with the cluster's defaults (its
     * broker, checkpoints in the home) under {@code config}; returns the job id once the job runs.
     */
    public String submit(Path jobJar, Path config, String fromSavepoint, int parallelism) {
        requireRunning();
        if (!Files.isRegularFile(jobJar)) {
            throw new ClusterException("no job jar at " + jobJar + " (build it: mvn package)");
        }
        List<String> args = jobArguments(config);
        FlinkRestClient rest = rest();
        String jarId = rest.uploadJar(jobJar);
        String jobId;
        try {
            jobId = rest.runJar(jarId, args, restorePath(fromSavepoint), parallelism);
        } finally {
            rest.deleteJar(jarId);
        }
        String state = rest.awaitJobState(jobId, Duration.ofSeconds(60), "RUNNING");
        if (!state.equals("RUNNING")) {
            throw new ClusterException(
                    "job " + jobId + " is " + state + " (see " + home.logs() + ")");
        }
        return jobId;
    }

    /**
     * The savepoint or checkpoint to restore: {@code path} itself, or, for a job's checkpoint
     * directory ({@code HOME/checkpoints/JOB}, what {@code stop} and {@code cancel} leave), its
     * latest complete retained checkpoint: which one is latest is only known once the job is gone.
     */
    static String restorePath(String path) {
        if (path == null) {
            return null;
        }
        Path dir;
        try {
            dir = path.startsWith("file:") ? Path.of(java.net.URI.create(path)) : Path.of(path);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return path;
        }
        if (!Files.isDirectory(dir) || Files.exists(dir.resolve("_metadata"))) {
            return path;
        }
        try (var entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
                    .filter(p -> Files.exists(p.resolve("_metadata")))
                    .max(
                            java.util.Comparator.comparingLong(
                                    p -> Long.parseLong(p.getFileName().toString().substring(4))))
                    .map(p -> p.toUri().toString())
                    .orElseThrow(
                            () ->
                                    new ClusterException(
                                            "no savepoint and no complete checkpoint in " + path));
        } catch (IOException e) {
            throw new ClusterException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The job's arguments: {@code --config F} if given, then the cluster's broker and checkpoint
     * directory for every key the file does not set (the entry point lets arguments override the
     * file, so the file's own choices are not passed over).
     */
    List<String> jobArguments(Path config) {
        List<String> args = new ArrayList<>();
        Configuration file = new Configuration();
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new ClusterException("no configuration file " + config);
            }
            file = JobConfiguration.load(config.toAbsolutePath());
            args.add("--config");
            args.add(config.toAbsolutePath().toString());
        }
        ClusterSettings settings = settings();
        Map<String, String> defaults =
                Map.of(
                        RtProfileOptions.BOOTSTRAP_SERVERS.key(),
                        settings.bootstrapServers(),
                        CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(),
                        home.checkpoints().toUri().toString());
        for (Map.Entry<String, String> entry : defaults.entrySet()) {
            if (!file.containsKey(entry.getKey())) {
                args.add("--" + entry.getKey());
                args.add(entry.getValue());
            }
        }
        return args;
    }

    /** Takes a canonical savepoint (default directory: the home's); returns its path. */
    public String savepoint(String jobId, String targetDirectory, boolean stop) {
        requireRunning();
        FlinkRestClient rest = rest();
        String target =
                targetDirectory != null ? targetDirectory : home.savepoints().toUri().toString();
        String trigger = rest.triggerSavepoint(jobId, target, stop);
        String path = rest.awaitSavepoint(jobId, trigger, Duration.ofMinutes(5));
        if (stop) {
            rest.awaitJobState(jobId, Duration.ofSeconds(60), "FINISHED", "CANCELED");
        }
        return path;
    }

    public void cancel(String jobId) {
        requireRunning();
        FlinkRestClient rest = rest();
        rest.cancel(jobId);
        rest.awaitJobState(jobId, Duration.ofSeconds(60), "CANCELED");
    }

    private void requireRunning() {
        settings();
        if (!process(JOB_MANAGER).livePid().isPresent()) {
            throw new ClusterException(
                    "no cluster runs in " + home + ": start one with `rtprofile cluster start`");
        }
    }

    private List<ClusterProcess> processList(int taskManagers) {
        List<ClusterProcess> list = new ArrayList<>();
        list.add(process(KAFKA));
        list.add(process(JOB_MANAGER));
        for (int i = 1; i <= taskManagers; i++) {
            list.add(process(TASK_MANAGER + i));
        }
        return list;
    }

    private ClusterProcess process(String name) {
        return new ClusterProcess(home, name);
    }

    private List<String> flinkJvmOptions(String name, String memoryOptions) {
        List<String> options = new ArrayList<>(splitOptions(memoryOptions));
        options.addAll(ADD_OPENS);
        options.add("-Dlog.file=" + home.logs().resolve(name + ".log"));
        options.add(
                "-Dlog4j.configurationFile="
                        + home.flinkConf().resolve("log4j.properties").toUri());
        return options;
    }

    private List<String> flinkArgs(String dynamicProperties) {
        List<String> args = new ArrayList<>();
        args.add("--configDir");
        args.add(home.flinkConf().toString());
        // "-D key=value -D key=value": the form BashJavaUtils prints and the entry points parse.
        args.addAll(splitOptions(dynamicProperties));
        return args;
    }

    private static List<String> splitOptions(String line) {
        return Arrays.stream(line.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Runs Flink's {@code BashJavaUtils} as its scripts do; returns its result lines (JVM options,
     * then {@code -D} dynamic properties).
     */
    private List<String> resourceParameters(String command) {
        List<String> output =
                runToCompletion(
                        List.of(
                                ClusterProcess.javaBinary(),
                                "-cp",
                                libraries.flinkLib().toAbsolutePath() + "/*",
                                "-Dlog4j.configurationFile="
                                        + home.flinkConf().resolve("log4j-cli.properties").toUri(),
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                command,
                                "--configDir",
                                home.flinkConf().toString()),
                        "Flink's BashJavaUtils " + command);
        List<String> results =
                output.stream()
                        .filter(l -> l.startsWith(RESULT_MARK))
                        .map(l -> l.substring(RESULT_MARK.length()))
                        .toList();
        if (results.size() < 2) {
            throw new ClusterException(
                    "Flink's BashJavaUtils "
                            + command
                            + " gave no resource parameters: "
                            + String.join(" | ", output));
        }
        return results;
    }

    private void formatBrokerStorage() {
        if (Files.exists(home.kafkaData().resolve("meta.properties"))) {
            // Formatted by an earlier start: the broker keeps its topics and data.
            return;
        }
        runToCompletion(
                List.of(
                        ClusterProcess.javaBinary(),
                        "-cp",
                        libraries.kafkaLib().toAbsolutePath() + "/*",
                        "-Dlog4j2.configurationFile="
                                + home.kafkaDir().resolve("log4j2.properties").toUri(),
                        "-Dkafka.log.file=" + home.logs().resolve("kafka-format.log"),
                        "kafka.tools.StorageTool",
                        "format",
                        "--standalone",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        home.kafkaDir().resolve("server.properties").toString()),
                "Kafka's StorageTool format");
    }

    private long startBroker(ClusterSettings settings) {
        return process(KAFKA)
                .start(
                        List.of(
                                "-Xmx" + settings.brokerHeap(),
                                "-Xms" + settings.brokerHeap(),
                                "-Dlog4j2.configurationFile="
                                        + home.kafkaDir().resolve("log4j2.properties").toUri(),
                                "-Dkafka.log.file=" + home.logs().resolve("kafka.log")),
                        libraries.kafkaLib(),
                        "kafka.Kafka",
                        List.of(home.kafkaDir().resolve("server.properties").toString()));
    }

    private static List<String> runToCompletion(List<String> command, String what) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new ClusterException(what + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new ClusterException(
                        what + " failed (exit " + process.exitValue() + "): " + out.strip());
            }
            return out.lines().toList();
        } catch (IOException e) {
            throw new ClusterException(what + " did not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }

    private void createTopics(ClusterSettings settings) {
        createTopics(settings, Demo.TOPICS, START_TIMEOUT);
    }

    /**
     * Creates those of {@code topics} (name to topic configuration) that do not exist, with the
     * cluster's two partitions: a second set of the job's topics for another job (the fault suite
     * runs each scenario on its own).
     */
    public void createTopics(Map<String, Map<String, String>> topics) {
        requireRunning();
        createTopics(settings(), topics, Duration.ofSeconds(30));
    }

    private void createTopics(
            ClusterSettings settings, Map<String, Map<String, String>> topics, Duration timeout) {
        try (Admin admin = admin(settings, timeout)) {
            // The first call waits for the broker to accept connections (up to the timeout).
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing =
                    topics.entrySet().stream()
                            .filter(t -> !existing.contains(t.getKey()))
                            .map(t -> new NewTopic(t.getKey(), 2, (short) 1).configs(t.getValue()))
                            .collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw brokerDown(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }

    private static Admin admin(ClusterSettings settings, Duration timeout) {
        return Admin.create(
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        settings.bootstrapServers(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        (int) timeout.toMillis()));
    }

    private ClusterException brokerDown(java.util.concurrent.ExecutionException e) {
        return new ClusterException(
                "the Kafka broker did not come up (see "
                        + home.logs().resolve("kafka.log")
                        + "): "
                        + e.getCause().getMessage(),
                e);
    }

    /**
     * SIGKILL of one process of the cluster ({@code kafka}, {@code jobmanager}, {@code
     * taskmanager-N}): a crash, as the others see it.
     *
     * @return the pid killed
     */
    public long kill(String processName) {
        requireKnown(processName);
        return process(processName)
                .kill()
                .orElseThrow(() -> new ClusterException("the " + processName + " does not run"));
    }

    /**
     * Starts TaskManager {@code index} again after it died, as a supervisor (systemd, a Kubernetes
     * Deployment) would: a new process under the same name that registers with the JobManager as a
     * new TaskManager.
     *
     * @return its pid
     */
    public long restartTaskManager(int index) {
        requireRunning();
        String name = TASK_MANAGER + index;
        requireKnown(name);
        if (process(name).livePid().isPresent()) {
            throw new ClusterException("the " + name + " still runs");
        }
        return startTaskManager(index, resourceParameters("GET_TM_RESOURCE_PARAMS"));
    }

    /** TaskManager {@code index} with the memory options and dynamic properties of {@code tm}. */
    private long startTaskManager(int index, List<String> tm) {
        String name = TASK_MANAGER + index;
        return process(name)
                .start(
                        flinkJvmOptions(name, tm.get(0)),
                        libraries.flinkLib(),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        flinkArgs(tm.get(1)));
    }

    /**
     * Stops the broker cleanly (SIGTERM, as a rolling restart does: it flushes, closes its logs and
     * leaves no recovery to do), waits {@code down}, starts it again over the same data, and
     * returns once it serves requests.
     *
     * @return the new broker's pid
     */
    public long restartBroker(Duration down) {
        requireRunning();
        ClusterSettings settings = settings();
        process(KAFKA).stop(Duration.ofSeconds(30));
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
        long pid = startBroker(settings);
        try (Admin admin = admin(settings, START_TIMEOUT)) {
            admin.listTopics().names().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw brokerDown(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
        return pid;
    }

    private void requireKnown(String processName) {
        int taskManagers = settings().taskManagers();
        if (processList(taskManagers).stream().noneMatch(p -> p.name().equals(processName))) {
            throw new ClusterException("no process " + processName + " in this cluster");
        }
    }

    private void awaitTaskManagers(ClusterSettings settings) {
        FlinkRestClient rest = new FlinkRestClient(settings.webUrl());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            for (ProcessState process : processes()) {
                if (!process.alive()) {
                    throw new ClusterException(
                            "the "
                                    + process.name()
                                    + " exited at start: see "
                                    + process.log()
                                    + " and its .out");
                }
            }
            if (rest.reachable()) {
                JsonNode overview = rest.overview();
                // A TaskManager registers first and reports its slots a moment later.
                if (overview.path("taskmanagers").asInt() >= settings.taskManagers()
                        && overview.path("slots-total").asInt()
                                >= settings.taskManagers() * settings.slots()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException(
                        settings.taskManagers()
                                + " TaskManagers did not register within "
                                + START_TIMEOUT
                                + ": see "
                                + home.logs());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("interrupted", e);
            }
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void requireFreePorts(ClusterSettings settings) {
        Map<String, Integer> ports =
                Map.of(
                        "the REST API and Web UI (--web-port)", settings.restPort(),
                        "the JobManager's RPC (--rpc-port)", settings.rpcPort(),
                        "the Kafka broker (--kafka-port)", settings.kafkaPort(),
                        "the KRaft controller (--controller-port)", settings.controllerPort());
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            if (!isFree(port.getValue())) {
                throw new ClusterException(
                        "port "
                                + port.getValue()
                                + " for "
                                + port.getKey()
                                + " is in use (another cluster, or rtprofile demo?)");
            }
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void writeFlinkConfiguration(ClusterSettings settings) {
        StringBuilder yaml = new StringBuilder("# Written by `rtprofile cluster start`.\n");
        settings.flinkConfiguration(home)
                .forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
        write(home.flinkConf().resolve("config.yaml"), yaml.toString());
        write(
                home.flinkConf().resolve("log4j.properties"),
                String.join(
                        "\n",
                        "# Each process logs to the file named by -Dlog.file (the Web UI shows it).",
                        "monitorInterval = 30",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = MainAppender",
                        "appender.main.name = MainAppender",
                        "appender.main.type = File",
                        "appender.main.append = true",
                        "appender.main.fileName = ${sys:log.file}",
                        "appender.main.layout.type = PatternLayout",
                        "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x"
                                + " - %m%n",
                        // The job's Kafka clients log every connection and transaction at INFO.
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        ""));
        write(
                home.flinkConf().resolve("log4j-cli.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = WARN",
                        "rootLogger.appenderRef.console.ref = ConsoleAppender",
                        "appender.console.name = ConsoleAppender",
                        "appender.console.type = Console",
                        "appender.console.target = SYSTEM_ERR",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %-5p %c - %m%n",
                        ""));
    }

    private void writeBrokerConfiguration(ClusterSettings settings) {
        StringBuilder props = new StringBuilder("# Written by `rtprofile cluster start`.\n");
        settings.brokerProperties(home)
                .forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        write(home.kafkaDir().resolve("server.properties"), props.toString());
        write(
                home.kafkaDir().resolve("log4j2.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = KafkaAppender",
                        "appender.kafka.name = KafkaAppender",
                        "appender.kafka.type = File",
                        "appender.kafka.append = true",
                        "appender.kafka.fileName = ${sys:kafka.log.file}",
                        "appender.kafka.layout.type = PatternLayout",
                        "appender.kafka.layout.pattern = [%d] %p %m (%c)%n",
                        ""));
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process of the cluster as its pid file and the process table say. */
    public record ProcessState(String name, long pid, boolean alive, Path log) {}
}
