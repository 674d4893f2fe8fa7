package io.rtprofile.jobs.loopback;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.io.InputStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopbackChannelTest {
    private final String id = UUID.randomUUID().toString();

    @AfterEach
    void release() {
        LoopbackChannel.release(id);
    }

    @Test
    void closingWhileTheReaderWaitsCompletesItsFutureAndEndsTheInput() {
        LoopbackChannel.open(id);
        LoopbackSourceReader<Long> reader = readerWithTheSplit();
        Output<Long> out = new Output<>();

        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        CompletableFuture<Void> available = reader.isAvailable();
        assertThat(available).isNotDone();
        assertThat(reader.isAvailable()).isSameAs(available);

        LoopbackChannel.close(id);

        assertThat(available).isDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.records).isEmpty();
        assertThat(LoopbackChannel.isRegistered(id)).isFalse();
    }

    @Test
    void aRecordCompletesTheWaitingFuture() {
        LoopbackChannel channel = LoopbackChannel.open(id);
        LoopbackSourceReader<Long> reader = readerWithTheSplit();
        Output<Long> out = new Output<>();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        CompletableFuture<Void> available = reader.isAvailable();

        channel.send(7L, 70L);

        assertThat(available).isDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(reader.isAvailable()).isNotDone();
        assertThat(out.records).containsExactly("7@70");
        assertThat(LoopbackChannel.isRegistered(id)).isTrue();
    }

    @Test
    void closedChannelIsDrainedBeforeTheInputEnds() {
        LoopbackChannel channel = LoopbackChannel.open(id);
        LoopbackSourceReader<Long> reader = readerWithTheSplit();
        channel.send(1L, 10L);
        channel.send(2L, Long.MIN_VALUE);
        LoopbackChannel.close(id);
        Output<Long> out = new Output<>();

        assertThat(reader.isAvailable()).isDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(LoopbackChannel.isRegistered(id)).isTrue();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.records).containsExactly("1@10", "2@none");
        assertThat(LoopbackChannel.isRegistered(id)).isFalse();
    }

    @Test
    void aReaderWithoutTheSplitEndsWhenToldThereIsNone() {
        LoopbackChannel.open(id);
        LoopbackSourceReader<Long> reader = new LoopbackSourceReader<>();
        Output<Long> out = new Output<>();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        CompletableFuture<Void> available = reader.isAvailable();
        assertThat(available).isNotDone();

        reader.notifyNoMoreSplits();

        assertThat(available).isDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(LoopbackChannel.isRegistered(id)).isTrue(); // not its channel
    }

    @Test
    void releaseRemovesTheChannelAndTheIdCanBeOpenedAgain() {
        LoopbackChannel first = LoopbackChannel.open(id);
        assertThatThrownBy(() -> LoopbackChannel.open(id))
                .isInstanceOf(IllegalStateException.class);
        assertThat(LoopbackChannel.get(id)).isSameAs(first);

        LoopbackChannel.release(id);
        LoopbackChannel.release(id);

        assertThat(LoopbackChannel.isRegistered(id)).isFalse();
        assertThatThrownBy(() -> LoopbackChannel.get(id))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MiniCluster");
        assertThatThrownBy(() -> LoopbackChannel.close(id))
                .isInstanceOf(IllegalStateException.class);
        assertThat(LoopbackChannel.open(id)).isNotSameAs(first);
    }

    @Test
    void aReaderClosedBeforeTheEndStillReleasesTheChannel() throws Exception {
        LoopbackChannel.open(id);
        LoopbackSourceReader<Long> reader = readerWithTheSplit();
        reader.close();
        assertThat(LoopbackChannel.isRegistered(id)).isFalse();
    }

    @Test
    void sendingAfterCloseFails() {
        LoopbackChannel channel = LoopbackChannel.open(id);
        channel.close();
        assertThatThrownBy(() -> channel.send(1L, 1L))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after it was closed");
    }

    @Test
    void theSinkSendsADeepCopyWithTheTimestamp() throws Exception {
        LoopbackChannel channel = LoopbackChannel.open(id);
        var writer =
                new LoopbackSink.Writer<>(
                        id,
                        Types.TUPLE(Types.STRING, Types.LONG)
                                .createSerializer(new SerializerConfigImpl()));
        Tuple2<String, Long> record = Tuple2.of("a", 1L);

        writer.write(record, context(5L));
        writer.write(record, context(null));
        record.f1 = 2L; // the sender reuses its object

        LoopbackChannel.Entry first = channel.poll();
        LoopbackChannel.Entry second = channel.poll();
        assertThat(first.record()).isEqualTo(Tuple2.of("a", 1L)).isNotSameAs(record);
        assertThat(first.timestamp()).isEqualTo(5L);
        assertThat(second.record()).isEqualTo(Tuple2.of("a", 1L)).isNotSameAs(first.record());
        assertThat(second.timestamp()).isEqualTo(Long.MIN_VALUE);
    }

    private LoopbackSourceReader<Long> readerWithTheSplit() {
        LoopbackSourceReader<Long> reader = new LoopbackSourceReader<>();
        reader.addSplits(List.of(new LoopbackSplit(id)));
        reader.notifyNoMoreSplits();
        return reader;
    }

    private static SinkWriter.Context context(Long timestamp) {
        return new SinkWriter.Context() {
            @Override
            public long currentWatermark() {
                return Long.MIN_VALUE;
            }

            @Override
            public Long timestamp() {
                return timestamp;
            }
        };
    }

    /** Records as "value@timestamp" ("none" for no timestamp). */
    private static final class Output<T> implements ReaderOutput<T> {
        final List<String> records = new ArrayList<>();

        @Override
        public void collect(T record) {
            collect(record, Long.MIN_VALUE);
        }

        @Override
        public void collect(T record, long timestamp) {
            records.add(record + "@" + (timestamp == Long.MIN_VALUE ? "none" : timestamp));
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            throw new AssertionError("the reader emits no watermarks");
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<T> createOutputForSplit(String splitId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            throw new UnsupportedOperationException();
        }
    }
}
