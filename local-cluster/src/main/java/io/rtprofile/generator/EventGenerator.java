package io.rtprofile.generator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Realistic synthetic customer events (contract section 3), one JSON line at a time.
 *
 * <pre>{@code
 * EventGenerator events = new EventGenerator(GeneratorConfig.of(1_000, 10_000, 7));
 * while (events.hasNext()) {
 *     producer.send(events.next());
 * }
 * }</pre>
 *
 * <p>What the data looks like: customers' activity is Zipf-skewed ({@link CustomerBase}). Each
 * customer acts in sessions: web visits on one of their devices (page and product views, searches,
 * cart adds, sometimes a login that links the anonymous {@code ecid} to an email, and purchases
 * decided by {@link PurchaseModel}), app opens, store purchases, consent changes and CRM records.
 * Sessions start spread evenly over {@code [start, start + span]} in proportion to the events they
 * contribute, so the event rate is constant over the span.
 *
 * <p>Guarantees: exactly {@link GeneratorConfig#events()} events; the same configuration gives
 * byte-identical output; every timestamp lies in {@code [start, start + span]}; events come in
 * timestamp order except that a few (mobile batches, network) arrive up to {@link
 * #MAX_OUT_OF_ORDERNESS} late; eventIds are {@code e-<seed>-<n>}, unique within a run. Memory is
 * one small object per customer seen plus the events of the sessions in progress (bounded).
 *
 * <p>Not thread-safe: one consumer.
 */
public final class EventGenerator implements Iterator<String> {

    /** The most an event's timestamp lies behind one already emitted: use for watermarks. */
    public static final Duration MAX_OUT_OF_ORDERNESS =
            Duration.ofMillis(SessionPlanner.MAX_DELAY_MILLIS);

    /** Sessions in progress at once are kept below about this many by shortening gaps. */
    private static final double MAX_OPEN_SESSIONS = 5_000;

    /** Mean gap between two events of a session, ms (see {@link SessionPlanner}). */
    private static final double MEAN_GAP_MILLIS = 30_000;

    /** A typical session lasts about this long, ms. */
    private static final double TYPICAL_SESSION_MILLIS = 210_000;

    private final GeneratorConfig config;
    private final Random random;
    private final SessionPlanner planner;
    private final PriorityQueue<EventDraft> queue =
            new PriorityQueue<>(
                    Comparator.comparingLong((EventDraft d) -> d.arrival)
                            .thenComparingLong(d -> d.planned));
    private final long startMillis;
    private final double millisPerEvent;
    private final String idPrefix;

    /** Events of all sessions planned so far. */
    private long plannedEvents;

    private long plannedDrafts;
    private List<EventDraft> pending;
    private long pendingStart;
    private long emitted;

    public EventGenerator(GeneratorConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        this.startMillis = config.start().toEpochMilli();
        long spanMillis = config.span().toMillis();
        this.millisPerEvent = config.events() == 0 ? 0 : (double) spanMillis / config.events();
        // Dense data (many events per second of event time) would keep very many sessions open
        // at once; long sessions in a short span would pile up at its end. Both shorten gaps.
        double gapScale =
                Math.min(
                        1.0,
                        Math.min(
                                MAX_OPEN_SESSIONS * millisPerEvent / MEAN_GAP_MILLIS,
                                spanMillis / (20 * TYPICAL_SESSION_MILLIS)));
        this.planner =
                new SessionPlanner(
                        random,
                        new CustomerBase(config.profiles(), config.seed()),
                        gapScale,
                        startMillis + spanMillis,
                        config.seed());
        this.idPrefix = "e-" + config.seed() + "-";
        planNextSession();
    }

    public GeneratorConfig config() {
        return config;
    }

    /** Events emitted so far. */
    public long emitted() {
        return emitted;
    }

    @Override
    public boolean hasNext() {
        return emitted < config.events();
    }

    /** The next event as one line of JSON, without a line terminator. */
    @Override
    public String next() {
        return nextEvent().json();
    }

    /** The next event with its ground truth. */
    public GeneratedEvent nextEvent() {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + config.events() + " events were generated");
        }
        // A session joins the queue once nothing queued arrives before it starts.
        while (pending != null && (queue.isEmpty() || pendingStart <= queue.peek().arrival)) {
            for (EventDraft d : pending) {
                d.planned = plannedDrafts++;
                queue.add(d);
            }
            planNextSession();
        }
        EventDraft d = queue.remove();
        String eventId = idPrefix + emitted;
        GeneratedEvent event =
                new GeneratedEvent(
                        emitted, eventId, d.timestamp, d.customer, d.type, d.toJson(eventId));
        emitted++;
        return event;
    }

    /** The remaining events as JSON lines. */
    public Stream<String> stream() {
        return StreamSupport.stream(
                Spliterators.spliterator(
                        this, config.events() - emitted, Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    /** Writes the remaining events, one a line ({@code \n}); returns how many. */
    public long writeTo(Writer out) throws IOException {
        long n = 0;
        while (hasNext()) {
            out.write(next());
            out.write('\n');
            n++;
        }
        return n;
    }

    /** Generates all events of {@code config} into a UTF-8 JSON-lines file; returns how many. */
    public static long writeJsonLines(GeneratorConfig config, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            return new EventGenerator(config).writeTo(out);
        }
    }

    private void planNextSession() {
        long remaining = config.events() - plannedEvents;
        if (remaining <= 0) {
            pending = null;
            return;
        }
        // The session takes the next slice of the event budget; it starts at that slice's time.
        long start = startMillis + (long) (millisPerEvent * (plannedEvents + random.nextDouble()));
        List<EventDraft> session = planner.plan(start);
        if (session.size() > remaining) {
            session = session.subList(0, (int) remaining);
        }
        plannedEvents += session.size();
        pending = session;
        pendingStart = start;
    }
}
