package io.rtprofile.jobs.loopback;

import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.testing.MiniClusters;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.OutputTag;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real cycle on a mini-cluster: numbers go into an operator that emits each value it sees and
 * feeds {@code n / 2} back to itself through a loopback edge while {@code n > 1}.
 *
 * <p>The operator closes the channel itself. It is the only sender and the only receiver (it runs
 * at parallelism 1), so "nothing more will be sent" is exactly "my main input has ended (a {@link
 * BoundedMultiInput} operator is told so by {@code endInput(1)}) and every record I fed back has
 * come back": no record is in flight anywhere in the cycle, and only a received record could make
 * it send another. The check runs after each fed-back record and at the end of the main input,
 * whichever completes the condition. (A timeout or "queue empty" test would not do: a record can be
 * in a network buffer or in the sink writer while the queue is empty.)
 */
class LoopbackITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final int NUMBERS = 1000;

    @Test
    void fedBackRecordsComeBackUntilTheOperatorClosesTheChannel() throws Exception {
        Run run = run(false);

        assertThat(run.outputs).containsExactlyInAnyOrderElementsOf(expected());
        assertThat(LoopbackChannel.isRegistered(run.channelId)).isFalse();
    }

    /**
     * The operator waits, in addition, for its event time to reach the end (the numbers' final
     * watermark) before closing. The loopback input is open until then, so the job finishes only if
     * that input is idle rather than holding event time back.
     */
    @Test
    void theLoopbackInputDoesNotHoldBackEventTime() throws Exception {
        Run run = run(true);

        assertThat(run.outputs).containsExactlyInAnyOrderElementsOf(expected());
    }

    /** "value@timestamp": each number n, then n / 2, n / 4, ... down to 1, all at time n. */
    private static List<String> expected() {
        List<String> expected = new ArrayList<>();
        for (long n = 1; n <= NUMBERS; n++) {
            for (long v = n; ; v /= 2) {
                expected.add(v + "@" + n);
                if (v == 1) {
                    break;
                }
            }
        }
        return expected;
    }

    private record Run(String channelId, List<String> outputs) {}

    private static Run run(boolean closeAtEndOfEventTime) throws Exception {
        String id = UUID.randomUUID().toString();
        LoopbackChannel.open(id);
        try {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            BoundedProfileRun.runConfiguration(new Configuration()));
            env.setParallelism(2);

            DataStream<Long> numbers =
                    env.fromSource(
                                    new NumberSequenceSource(1, NUMBERS),
                                    WatermarkStrategy.<Long>forMonotonousTimestamps()
                                            .withTimestampAssigner((n, previous) -> n),
                                    "numbers")
                            .uid("numbers")
                            .setParallelism(1);
            // Parallelism 2: one reader gets the channel, the other ends at once.
            DataStream<Long> fedBack =
                    env.fromSource(
                                    new LoopbackSource<>(id, Types.LONG),
                                    LoopbackSource.watermarks(),
                                    "loopback")
                            .uid("loopback-source");
            SingleOutputStreamOperator<String> halving =
                    numbers.connect(fedBack)
                            .transform(
                                    "halving", Types.STRING, new Halving(id, closeAtEndOfEventTime))
                            .uid("halving")
                            .setParallelism(1);
            // Parallelism 2: two writers share the channel.
            halving.getSideOutput(Halving.FEEDBACK)
                    .sinkTo(new LoopbackSink<>(id))
                    .uid("loopback-sink");

            CloseableIterator<String> results = halving.collectAsync();
            JobClient job = env.executeAsync("loopback");
            CompletableFuture<List<String>> outputs =
                    CompletableFuture.supplyAsync(() -> drain(results));
            try {
                List<String> collected = outputs.get(20, TimeUnit.SECONDS);
                job.getJobExecutionResult().get(20, TimeUnit.SECONDS);
                return new Run(id, collected);
            } catch (TimeoutException e) {
                job.cancel();
                throw new AssertionError("The job did not finish", e);
            }
        } finally {
            LoopbackChannel.release(id);
        }
    }

    private static List<String> drain(CloseableIterator<String> results) {
        List<String> all = new ArrayList<>();
        try (results) {
            results.forEachRemaining(all::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return all;
    }

    /**
     * Input 1: the numbers; input 2: what comes back. Emits "value@timestamp" for every value and
     * feeds value / 2 back (same timestamp) while the value is above 1.
     */
    private static final class Halving extends AbstractStreamOperator<String>
            implements TwoInputStreamOperator<Long, Long, String>, BoundedMultiInput {
        private static final long serialVersionUID = 1L;
        static final OutputTag<Long> FEEDBACK = new OutputTag<>("feedback", Types.LONG);

        private final String channelId;
        private final boolean closeAtEndOfEventTime;
        private transient long sent;
        private transient long received;
        private transient boolean mainEnded;
        private transient boolean eventTimeEnded;
        private transient boolean closed;

        Halving(String channelId, boolean closeAtEndOfEventTime) {
            this.channelId = channelId;
            this.closeAtEndOfEventTime = closeAtEndOfEventTime;
        }

        @Override
        public void processElement1(StreamRecord<Long> element) {
            handle(element);
        }

        @Override
        public void processElement2(StreamRecord<Long> element) {
            if (closed) {
                throw new IllegalStateException("A record came back after the channel closed");
            }
            handle(element);
            received++;
            closeWhenDone();
        }

        private void handle(StreamRecord<Long> element) {
            long value = element.getValue();
            long time = element.getTimestamp();
            output.collect(new StreamRecord<>(value + "@" + time, time));
            if (value > 1) {
                output.collect(FEEDBACK, new StreamRecord<>(value / 2, time));
                sent++;
            }
        }

        @Override
        public void endInput(int inputId) {
            if (inputId == 1) {
                mainEnded = true;
                closeWhenDone();
            }
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            super.processWatermark(mark);
            if (mark.getTimestamp() == Long.MAX_VALUE) {
                eventTimeEnded = true;
                closeWhenDone();
            }
        }

        private void closeWhenDone() {
            if (!closed
                    && mainEnded
                    && sent == received
                    && (eventTimeEnded || !closeAtEndOfEventTime)) {
                closed = true;
                LoopbackChannel.close(channelId);
            }
        }
    }
}
