package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.ingest.EventTimestamps;
import io.rtprofile.jobs.kafka.KafkaIO;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.nio.file.Path;
import java.util.Map;

/**
 * The profile job on Kafka: the deployable entry point ({@code flink run rtprofile-jobs-job.jar
 * --config rtprofile.yaml [--<key> <value> ...]}) and the one the demo starts.
 */
public final class ProfileJob {
    private ProfileJob() {}

    public static final String JOB_NAME = "rtprofile-profile-job";

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        Configuration user =
                params.has("config")
                        ? JobConfiguration.load(Path.of(params.get("config")))
                        : new Configuration();
        for (Map.Entry<String, String> override : params.toMap().entrySet()) {
            if (!override.getKey().equals("config")) {
                user.setString(override.getKey(), override.getValue());
            }
        }
        Configuration config = JobConfiguration.withJobDefaults(user);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        defineKafkaJob(env, config);
        env.execute(JOB_NAME);
    }

    /** Adds the Kafka-to-Kafka profile job to {@code env}. */
    public static void defineKafkaJob(StreamExecutionEnvironment env, Configuration config) {
        JobConfiguration.requireCheckpointStorage(config);
        ProfileJobSettings settings = ProfileJobSettings.from(config);
        ProfileWorkflow.Outputs outputs =
                ProfileWorkflow.defineWorkflow(
                        env.fromSource(
                                        KafkaIO.eventsSource(config, settings),
                                        EventTimestamps.watermarks(settings),
                                        "events")
                                .uid(Uids.EVENTS_SOURCE),
                        settings);
        outputs.updates()
                .sinkTo(KafkaIO.profileUpdatesSink(config))
                .uid(Uids.PROFILE_UPDATES_SINK)
                .name("profile-updates");
        outputs.rejected()
                .sinkTo(KafkaIO.rejectedSink(config))
                .uid(Uids.REJECTED_SINK)
                .name("events-rejected");
    }

    /** Starts the job without waiting for it, for the demo and tests. */
    public static JobClient start(StreamExecutionEnvironment env, Configuration config)
            throws Exception {
        defineKafkaJob(env, config);
        return env.executeAsync(JOB_NAME);
    }
}
