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
 */
public final class LoopbackSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String channelId;

    public LoopbackSink(String channelId) {
        this.channelId = channelId;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(channelId, context.createInputSerializer());
    }

    static final class Writer<T> implements SinkWriter<T> {
        private final String channelId;
        private final TypeSerializer<T> serializer;
        private LoopbackChannel channel;

        Writer(String channelId, TypeSerializer<T> serializer) {
            this.channelId = channelId;
            this.serializer = serializer;
        }

        @Override
        public void write(T element, Context context) {
            if (channel == null) {
                channel = LoopbackChannel.get(channelId);
            }
            Long timestamp = context.timestamp();
            channel.send(
                    serializer.copy(element),
                    timestamp == null ? TimestampAssigner.NO_TIMESTAMP : timestamp);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
    }
}
