package io.rtprofile.local.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One JVM of the cluster (the broker, the JobManager, a TaskManager), known by its pid file in the
 * home, so that another invocation of the CLI can check or stop it.
 *
 * <p>Each process carries {@code -Drtprofile.cluster.home=HOME} on its command line: a pid in a
 * stale pid file may belong to some other process by now, and is only signalled when that marker is
 * there.
 */
final class ClusterProcess {

    static final String HOME_MARKER = "-Drtprofile.cluster.home=";

    private final ClusterHome home;
    private final String name;

    ClusterProcess(ClusterHome home, String name) {
        this.home = home;
        this.name = name;
    }

    String name() {
        return name;
    }

    Path pidFile() {
        return home.run().resolve(name + ".pid");
    }

    Path outFile() {
        return home.logs().resolve(name + ".out");
    }

    Path logFile() {
        return home.logs().resolve(name + ".log");
    }

    /**
     * Starts {@code mainClass} in a new JVM in its own session (so that a Ctrl-C in the terminal of
     * {@code cluster start} does not reach it), stdout and stderr to {@code logs/NAME.out}.
     */
    long start(List<String> jvmOptions, Path classpathDir, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            // A child of this JVM is never a process group leader, so setsid execs in place
            // and the pid below is the JVM's.
            command.add("/usr/bin/setsid");
        }
        command.add(javaBinary());
        command.add(HOME_MARKER + home.root());
        command.add("-Drtprofile.cluster.process=" + name);
        command.addAll(jvmOptions);
        command.add("-cp");
        // The JVM expands dir/* itself: the jars of that directory, nothing else.
        command.add(classpathDir.toAbsolutePath() + File.separator + "*");
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(home.root().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile().toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            Files.writeString(pidFile(), Long.toString(process.pid()), StandardCharsets.UTF_8);
            return process.pid();
        } catch (IOException e) {
            throw new ClusterException("cannot start the " + name + ": " + e.getMessage(), e);
        }
    }

    /** The pid of the pid file, when it names a live process of this home. */
    Optional<Long> livePid() {
        return handle().map(ProcessHandle::pid);
    }

    /** The pid the pid file names, alive or not. */
    Optional<Long> recordedPid() {
        try {
            if (!Files.isRegularFile(pidFile())) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Optional<ProcessHandle> handle() {
        return recordedPid()
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(this::belongsToHome);
    }

    private boolean belongsToHome(ProcessHandle process) {
        // Without a readable command line (another user's process), it is not ours.
        return process.info()
                .commandLine()
                .map(line -> line.contains(HOME_MARKER + home.root()))
                .orElse(false);
    }

    /**
     * SIGTERM, then SIGKILL if it is still alive after {@code grace}; removes the pid file.
     *
     * @return whether a live process was stopped
     */
    boolean stop(Duration grace) {
        Optional<ProcessHandle> process = handle();
        if (process.isPresent()) {
            ProcessHandle p = process.get();
            p.destroy();
            if (!awaitExit(p, grace)) {
                p.destroyForcibly();
                awaitExit(p, Duration.ofSeconds(10));
            }
        }
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            // A leftover pid file is harmless: the marker check ignores it.
        }
        return process.isPresent();
    }

    /**
     * SIGKILL, no grace: a crash as the rest of the cluster sees it (no shutdown hook, no
     * deregistration, connections reset). The pid file stays, as after a real crash.
     *
     * @return the pid killed, if a live process of this home was found
     */
    Optional<Long> kill() {
        Optional<ProcessHandle> process = handle();
        process.ifPresent(
                p -> {
                    p.destroyForcibly();
                    awaitExit(p, Duration.ofSeconds(10));
                });
        return process.map(ProcessHandle::pid);
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** The java of this JVM: the cluster runs on the same JDK as the CLI. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
