package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.dedup.EventDeduplicator;
import io.rtprofile.jobs.ingest.RejectionRouter;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.internal.SegmentDefinitionChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.util.List;

/**
 * The profile job's topology, apart from its I/O: the Kafka entry point ({@link ProfileJob}), the
 * file entry point ({@code rtprofile run}) and the tests all build it here from a stream of
 * ingested records, and attach their own sinks to what it returns.
 */
public final class ProfileWorkflow {
    private ProfileWorkflow() {}

    /** The job's two outputs. */
    public record Outputs(DataStream<ProfileUpdate> updates, DataStream<RejectedEvent> rejected) {}

    /**
     * @param definitionChanges records of the {@code segment-definitions} topic (or nothing, for a
     *     bounded run); broadcast to every profile task
     * @param initialSegments the definitions in force from the start
     */
    public static Outputs defineWorkflow(
            DataStream<IngestedRecord> ingested,
            DataStream<SegmentDefinitionChange> definitionChanges,
            ProfileJobSettings settings,
            SegmentCatalog initialSegments) {
        return defineWorkflow(
                ingested, definitionChanges, settings, initialSegments, Long.MAX_VALUE);
    }

    /**
     * As above, for a bounded run whose event time stops at {@code asOf} (events after it update
     * attributes, but no window sees them).
     */
    public static Outputs defineWorkflow(
            DataStream<IngestedRecord> ingested,
            DataStream<SegmentDefinitionChange> definitionChanges,
            ProfileJobSettings settings,
            SegmentCatalog initialSegments,
            long asOf) {
        SingleOutputStreamOperator<ExperienceEvent> events =
                ingested.process(new RejectionRouter())
                        .uid(Uids.REJECTION_ROUTER)
                        .name("Route rejections");
        DataStream<RejectedEvent> rejected = events.getSideOutput(RejectionRouter.REJECTED);

        DataStream<ExperienceEvent> unique =
                events.keyBy(ExperienceEvent::getEventId, Types.STRING)
                        .process(new EventDeduplicator(settings.dedupHorizon()))
                        .uid(Uids.DEDUPLICATOR)
                        .name("Deduplicate by eventId");

        DataStream<ProfileUpdate> updates =
                unique.keyBy(new ProfileKeySelector(settings.namespaces()), Types.STRING)
                        .connect(definitionChanges.broadcast(ProfileBuilder.PUBLISHED_SEGMENTS))
                        .process(
                                new ProfileBuilder(settings, initialSegments, asOf),
                                new AvroTypeInfo<>(ProfileUpdate.class))
                        .uid(Uids.PROFILE_BUILDER)
                        .name("Build profiles");
        return new Outputs(updates, rejected);
    }

    /** Keys an event by the profile it belongs to. */
    static final class ProfileKeySelector implements KeySelector<ExperienceEvent, String> {
        private static final long serialVersionUID = 1L;
        private final List<String> namespaces;

        ProfileKeySelector(List<String> namespaces) {
            this.namespaces = List.copyOf(namespaces);
        }

        @Override
        public String getKey(ExperienceEvent event) {
            return ProfileKeys.profileIdFor(ProfileKeys.routingIdentity(event, namespaces));
        }
    }
}
