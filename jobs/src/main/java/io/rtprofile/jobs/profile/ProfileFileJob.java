package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.ingest.EventLinesFormat;
import io.rtprofile.jobs.ingest.EventParser;
import io.rtprofile.jobs.ingest.EventTimestamps;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.OptionalLong;

/**
 * The profile workflow over a bounded JSON-lines file ({@code rtprofile run}). Event time stops at
 * {@code asOf} when given: timers up to it fire, later ones do not.
 */
public final class ProfileFileJob {
    private ProfileFileJob() {}

    public static ProfileWorkflow.Outputs define(
            StreamExecutionEnvironment env,
            java.nio.file.Path eventsFile,
            ProfileJobSettings settings,
            OptionalLong asOf) {
        EventParser parser = new EventParser(settings);
        FileSource<IngestedRecord> source =
                FileSource.forRecordStreamFormat(
                                new EventLinesFormat(
                                        eventsFile.getFileName().toString(),
                                        parser,
                                        settings.maxEventBytes()),
                                Path.fromLocalFile(eventsFile.toAbsolutePath().toFile()))
                        .build();
        DataStream<IngestedRecord> ingested =
                env.fromSource(source, EventTimestamps.watermarks(settings), "events-file")
                        .uid(Uids.EVENTS_FILE_SOURCE);
        if (asOf.isPresent()) {
            ingested =
                    ingested.transform(
                                    "As of " + asOf.getAsLong(),
                                    new AvroTypeInfo<>(IngestedRecord.class),
                                    new AsOfWatermarkCap<>(asOf.getAsLong()))
                            .uid(Uids.AS_OF_CAP);
        }
        return ProfileWorkflow.defineWorkflow(ingested, settings);
    }
}
