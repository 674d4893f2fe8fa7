package io.rtprofile.local.bench;

import io.rtprofile.local.bench.SyntheticSegments.Atom;
import io.rtprofile.local.bench.SyntheticSegments.Feature;
import io.rtprofile.local.bench.SyntheticSegments.Segment;
import io.rtprofile.local.bench.SyntheticSegments.Sequence;
import io.rtprofile.local.bench.SyntheticSegments.Window;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The segment logic of {@link SyntheticSegments} written the way a Flink user would without this
 * project: a table over the events file (event time attribute and watermark), one query that
 * computes, per event, every segment's condition from OVER windows (Flink allows one window per
 * OVER aggregation, so one nested aggregation per distinct window length), and one CEP pattern per
 * distinct sequence. Outputs go to discarding sinks.
 *
 * <p>What it does not do, unlike the engine: no exit when a window passes without a new event (rows
 * are computed only at events); no definition changes at run time (the query is the definitions);
 * no profile building, deduplication or validation; sequence matches are not combined with the
 * other conditions of their segment in the same row (that would need a join of the match stream
 * with the row stream).
 */
public final class SqlSegmentBaseline {
    private SqlSegmentBaseline() {}

    /** One parsed event of the baseline's table. */
    public static final class BaselineEvent {
        public String profile;
        public String eventId;
        public String type;
        public Double amount;
        public long ts;

        public BaselineEvent() {}
    }

    /**
     * Adds the baseline job for {@code segments} over {@code eventsFile} to {@code env}; with
     * {@code keepWatching}, the source watches the file after reading it and never ends.
     */
    public static void define(
            StreamExecutionEnvironment env,
            java.nio.file.Path eventsFile,
            SyntheticSegments segments,
            List<String> namespaces,
            Duration outOfOrderness,
            boolean keepWatching) {
        FileSource.FileSourceBuilder<String> builder =
                FileSource.forRecordStreamFormat(
                        new TextLineInputFormat(),
                        Path.fromLocalFile(eventsFile.toAbsolutePath().toFile()));
        if (keepWatching) {
            // For a savepoint after the whole file: the job must still be running then.
            builder.monitorContinuously(Duration.ofDays(1));
        }
        DataStream<String> lines =
                env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "events-file")
                        .setParallelism(1);
        if (keepWatching) {
            lines =
                    lines.map(new SegmentBenchmark.CountSourced<String>())
                            .returns(Types.STRING)
                            .setParallelism(1);
        }
        DataStream<BaselineEvent> events =
                lines.map(new Parse(namespaces))
                        .setParallelism(1)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<BaselineEvent>forBoundedOutOfOrderness(
                                                outOfOrderness)
                                        .withTimestampAssigner((e, t) -> e.ts))
                        .setParallelism(1);
        defineQuery(env, events, segments);
        defineSequences(events, segments);
    }

    /** The SELECT computing every segment's condition at each event, as SQL text. */
    public static String query(SyntheticSegments segments) {
        Map<Window, List<Feature>> byWindow = new LinkedHashMap<>();
        for (Window w : SyntheticSegments.WINDOWS) {
            for (Feature f : segments.features()) {
                if (f.window().equals(w)) {
                    byWindow.computeIfAbsent(w, k -> new ArrayList<>()).add(f);
                }
            }
        }
        String from = "events";
        for (Map.Entry<Window, List<Feature>> level : byWindow.entrySet()) {
            Window w = level.getKey();
            String range =
                    w.lifetime()
                            ? "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
                            : "RANGE BETWEEN " + w.sqlInterval() + " PRECEDING AND CURRENT ROW";
            List<String> columns = new ArrayList<>();
            for (Feature f : level.getValue()) {
                String typed = "type = '" + f.type() + "'";
                String agg =
                        switch (f.kind()) {
                            case COUNT -> "SUM(CASE WHEN " + typed + " THEN 1 ELSE 0 END)";
                            case SUM -> "SUM(CASE WHEN " + typed + " THEN amount ELSE 0.0 END)";
                            case AVG -> "AVG(CASE WHEN " + typed + " THEN amount END)";
                        };
                columns.add(agg + " OVER w AS " + f.column());
            }
            from =
                    "(SELECT *, "
                            + String.join(", ", columns)
                            + " FROM "
                            + from
                            + " WINDOW w AS (PARTITION BY profile ORDER BY rowtime "
                            + range
                            + "))";
        }
        List<String> conditions = new ArrayList<>();
        for (Segment s : segments.segments()) {
            List<String> parts = new ArrayList<>();
            for (Atom a : s.atoms()) {
                if (a.sequence() != null) {
                    continue; // CEP, beside the query
                }
                String c =
                        "COALESCE("
                                + a.feature().column()
                                + " "
                                + a.op()
                                + " "
                                + SyntheticSegments.number(a.threshold())
                                + ", FALSE)";
                parts.add(a.not() ? "NOT " + c : c);
            }
            String condition = parts.isEmpty() ? "FALSE" : String.join(" AND ", parts);
            conditions.add("(" + condition + ") AS `" + s.id().replace('-', '_') + "`");
        }
        return "SELECT profile, eventId, " + String.join(", ", conditions) + " FROM " + from;
    }

    private static void defineQuery(
            StreamExecutionEnvironment env,
            DataStream<BaselineEvent> events,
            SyntheticSegments segments) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        Table table =
                tables.fromDataStream(
                        events,
                        Schema.newBuilder()
                                .columnByMetadata("rowtime", "TIMESTAMP_LTZ(3)")
                                .watermark("rowtime", "SOURCE_WATERMARK()")
                                .build());
        tables.createTemporaryView("events", table);
        Table memberships = tables.sqlQuery(query(segments));
        tables.toDataStream(memberships).sinkTo(new DiscardingSink<Row>()).name("memberships");
    }

    private static void defineSequences(
            DataStream<BaselineEvent> events, SyntheticSegments segments) {
        KeyedStream<BaselineEvent, String> byProfile = events.keyBy(e -> e.profile, Types.STRING);
        for (Sequence s : segments.sequences()) {
            String first = s.first();
            String second = s.second();
            Pattern<BaselineEvent, BaselineEvent> pattern =
                    Pattern.<BaselineEvent>begin("first")
                            .where(SimpleCondition.of(e -> first.equals(e.type)))
                            .followedBy("second")
                            .where(SimpleCondition.of(e -> second.equals(e.type)))
                            .within(Duration.ofMillis(s.window().millis()));
            CEP.pattern(byProfile, pattern)
                    .inEventTime()
                    .process(new MatchedProfile(), Types.STRING)
                    .name("sequence " + first + " -> " + second)
                    .sinkTo(new DiscardingSink<String>())
                    .name("sequence matches");
        }
    }

    /** A match: the profile it was found in. */
    static final class MatchedProfile extends PatternProcessFunction<BaselineEvent, String> {
        @Override
        public void processMatch(
                Map<String, List<BaselineEvent>> match, Context ctx, Collector<String> out) {
            out.collect(match.get("second").get(0).profile);
        }
    }

    /**
     * JSON line to event: the profile is the identity of highest namespace priority, as the engine
     * routes (without its SHA-256 of it).
     */
    static final class Parse
            implements org.apache.flink.api.common.functions.MapFunction<String, BaselineEvent> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final List<String> namespaces;

        Parse(List<String> namespaces) {
            this.namespaces = List.copyOf(namespaces);
        }

        @Override
        public BaselineEvent map(String line) throws Exception {
            JsonNode node = JSON.readTree(line);
            BaselineEvent e = new BaselineEvent();
            e.eventId = node.path("eventId").asText();
            e.type = node.path("type").asText();
            e.ts = Instant.parse(node.path("timestamp").asText()).toEpochMilli();
            JsonNode value = node.path("properties").path("value");
            e.amount = value.isNumber() ? value.asDouble() : null;
            e.profile = profileOf(node.path("identities"), namespaces);
            return e;
        }
    }

    /** The routing identity of an event's identities, as "namespace:id". */
    static String profileOf(JsonNode identities, List<String> namespaces) {
        String best = null;
        int bestRank = Integer.MAX_VALUE;
        for (JsonNode identity : identities) {
            String ns = identity.path("namespace").asText();
            String id = identity.path("id").asText();
            int rank = namespaces.indexOf(ns);
            if (rank < 0) {
                rank = namespaces.size();
            }
            String key = ns + ":" + id;
            if (best == null
                    || rank < bestRank
                    || (rank == bestRank
                            && id.compareTo(best.substring(best.indexOf(':') + 1)) < 0)) {
                best = key;
                bestRank = rank;
            }
        }
        return best;
    }
}
