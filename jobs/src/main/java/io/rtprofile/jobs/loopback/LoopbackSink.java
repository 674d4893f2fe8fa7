package io.rtprofile.jobs.loopback;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The sending end of a {@link LoopbackChannel}: each record goes into the channel as a deep copy,
 * made with the serializer Flink uses for the sink's input (so the sender's object, which object
 * reuse may recycle, is never shared with the receiving task), together with its timestamp.
 *
 * <p>Any parallelism. A writer looks the channel up on its first record, so a writer that never
 * writes never needs the channel (it may have been drained and released before a slow writer
 * starts).
 *
 * <p>A sink made with {@link #discardingAfterClose} drops what it sends once the channel is closed
 * (or drained and gone): for an edge whose receiver has stopped listening on purpose, such as the
 * model versions of a bounded run published after its profiles have finished.
 */
public final class LoopbackSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String channelId;
    private final boolean discardAfterClose;

    public LoopbackSink(String channelId) {
        this(channelId, false);
    }

    private LoopbackSink(String channelId, boolean discardAfterClose) {
        this.discardAfterClose = discardAfterClose;
        this.channelId = channelId;
    }

    /** A sink that drops records sent after the channel was closed (see the class comment). */
    public static <T> LoopbackSink<T> discardingAfterClose(String channelId) {
        return new LoopbackSink<>(channelId, true);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(channelId, context.createInputSerializer(), discardAfterClose);
    }

    static final class Writer<T> implements SinkWriter<T> {
        private final String channelId;
        private final TypeSerializer<T> serializer;
        private final boolean discardAfterClose;
        private LoopbackChannel channel;

        Writer(String channelId, TypeSerializer<T> serializer, boolean discardAfterClose) {
            this.channelId = channelId;
            this.serializer = serializer;
            this.discardAfterClose = discardAfterClose;
        }

        @Override
        public void write(T element, Context context) {
            Long timestamp = context.timestamp();
            long ts = timestamp == null ? TimestampAssigner.NO_TIMESTAMP : timestamp;
            if (discardAfterClose) {
                if (channel == null) {
                    try {
                        channel = LoopbackChannel.get(channelId);
                    } catch (IllegalStateException drainedAndGone) {
                        return;
                    }
                }
                channel.offer(serializer.copy(element), ts);
                return;
            }
            if (channel == null) {
                channel = LoopbackChannel.get(channelId);
            }
            channel.send(serializer.copy(element), ts);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
    }
}
