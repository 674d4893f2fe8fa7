package io.rtprofile.jobs.loopback;

import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.nio.charset.StandardCharsets;

/** The one split of a {@link LoopbackSource}: the whole channel, named by its id. */
public record LoopbackSplit(String channelId) implements SourceSplit {

    @Override
    public String splitId() {
        return channelId;
    }

    /** The channel id as UTF-8. */
    static final class Serializer implements SimpleVersionedSerializer<LoopbackSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(LoopbackSplit split) {
            return split.channelId().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public LoopbackSplit deserialize(int version, byte[] serialized) {
            return new LoopbackSplit(new String(serialized, StandardCharsets.UTF_8));
        }
    }
}
