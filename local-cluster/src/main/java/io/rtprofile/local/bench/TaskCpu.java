package io.rtprofile.local.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time of a job's Flink task threads while it runs in this JVM's mini-cluster, by task (its
 * subtasks summed), sampled every 100 ms: where a run's cores went. A thread's last 100 ms before
 * it ends may be missed.
 */
final class TaskCpu implements AutoCloseable {
    /** Task threads are named {@code <task name> (<subtask>/<parallelism>)#<attempt>}. */
    private static final Pattern TASK_THREAD = Pattern.compile("^(.*) \\(\\d+/\\d+\\)#\\d+$");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> taskOf = new ConcurrentHashMap<>();
    private final Map<Long, Long> cpuNanos = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private TaskCpu() {
        sampler =
                new Thread(
                        () -> {
                            while (running) {
                                sample();
                                try {
                                    Thread.sleep(100);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "task-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    static TaskCpu start() {
        return new TaskCpu();
    }

    private void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long id = info.getThreadId();
            String task = taskOf.get(id);
            if (task == null) {
                Matcher m = TASK_THREAD.matcher(info.getThreadName());
                if (!m.matches()) {
                    continue;
                }
                task = m.group(1);
                taskOf.put(id, task);
            }
            long cpu = threads.getThreadCpuTime(id);
            if (cpu > 0) {
                cpuNanos.merge(id, cpu, Math::max);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join();
        sample();
    }

    /** CPU seconds of each task's threads while sampled. */
    Map<String, Double> cpuSecondsByTask() {
        Map<String, Double> seconds = new TreeMap<>();
        for (Map.Entry<Long, Long> e : cpuNanos.entrySet()) {
            seconds.merge(taskOf.get(e.getKey()), e.getValue() / 1e9, Double::sum);
        }
        return seconds;
    }
}
