package io.rtprofile.jobs.kafka;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A source that ends at the first record matching a marker (the marker itself is not emitted).
 *
 * <p>A job that stops at the latest events ({@code rtprofile.kafka.stop-at-latest}, for tests and
 * benchmarks) must also stop reading its own feedback topic, which no offset known at the start can
 * bound: transfers are written after it. The identity resolver knows when nothing more can come and
 * writes an end marker through the same exactly-once path; this wrapper ends the feedback source
 * there, so the job finishes by itself. With one reader (the feedback source runs at parallelism 1)
 * the marker ends the whole input.
 */
public final class EndMarkedSource<T, SplitT extends SourceSplit, EnumChkT>
        implements Source<T, SplitT, EnumChkT>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    /** Recognizes the end marker. */
    @FunctionalInterface
    public interface Marker<T> extends Serializable {
        boolean test(T record);
    }

    private final Source<T, SplitT, EnumChkT> delegate;
    private final TypeInformation<T> type;
    private final Marker<T> isEndMarker;

    public EndMarkedSource(
            Source<T, SplitT, EnumChkT> delegate, TypeInformation<T> type, Marker<T> isEndMarker) {
        this.delegate = delegate;
        this.type = type;
        this.isEndMarker = isEndMarker;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext context) throws Exception {
        return new Reader(delegate.createReader(context));
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> createEnumerator(
            SplitEnumeratorContext<SplitT> context) throws Exception {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(
            SplitEnumeratorContext<SplitT> context, EnumChkT checkpoint) throws Exception {
        return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    private final class Reader implements SourceReader<T, SplitT> {
        private final SourceReader<T, SplitT> reader;
        private boolean ended;
        private ReaderOutput<T> wrapped;
        private Marked marked;

        Reader(SourceReader<T, SplitT> reader) {
            this.reader = reader;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (ended) {
                return InputStatus.END_OF_INPUT;
            }
            if (output != wrapped) {
                wrapped = output;
                marked = new Marked(output);
            }
            InputStatus status = reader.pollNext(marked);
            return ended ? InputStatus.END_OF_INPUT : status;
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return ended ? CompletableFuture.completedFuture(null) : reader.isAvailable();
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(
                Collection<String> splitsToPause, Collection<String> splitsToResume) {
            reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }

        /**
         * Passes records on until the marker; the Kafka reader writes through per-split outputs.
         */
        private class Filtering implements SourceOutput<T> {
            private final SourceOutput<T> out;

            Filtering(SourceOutput<T> out) {
                this.out = out;
            }

            @Override
            public void collect(T record) {
                if (!ended && !(ended = isEndMarker.test(record))) {
                    out.collect(record);
                }
            }

            @Override
            public void collect(T record, long timestamp) {
                if (!ended && !(ended = isEndMarker.test(record))) {
                    out.collect(record, timestamp);
                }
            }

            @Override
            public void emitWatermark(Watermark watermark) {
                out.emitWatermark(watermark);
            }

            @Override
            public void markIdle() {
                out.markIdle();
            }

            @Override
            public void markActive() {
                out.markActive();
            }
        }

        private final class Marked extends Filtering implements ReaderOutput<T> {
            private final ReaderOutput<T> output;

            Marked(ReaderOutput<T> output) {
                super(output);
                this.output = output;
            }

            @Override
            public SourceOutput<T> createOutputForSplit(String splitId) {
                return new Filtering(output.createOutputForSplit(splitId));
            }

            @Override
            public void releaseOutputForSplit(String splitId) {
                output.releaseOutputForSplit(splitId);
            }
        }
    }
}
