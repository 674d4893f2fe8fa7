package io.rtprofile.local.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * The input of the identity benchmark (docs/benchmarks.md, "Identity graph"), seeded and
 * deterministic.
 *
 * <ul>
 *   <li>{@link #preload()}: for every customer, one event with the customer's email (a known
 *       profile) and one per anonymous device, with the device's {@code ecid} alone (a profile
 *       each): {@code customers * (1 + devicesPerCustomer)} events, each founding a profile.
 *   <li>{@link #measured(boolean)}: the measured events, after the preload in event time. A share
 *       {@code linkFraction} of them (evenly spread) are <em>link positions</em>: with links they
 *       carry the customer's email and a device not linked before, so each merges two existing
 *       profiles; without links they carry the email alone. Every other event carries one known
 *       identity of a random customer (the email or one of the devices). Both variants are the same
 *       events (ids, types, timestamps, attributes, properties) but for the identities of the link
 *       positions.
 *   <li>{@link #latency(long)}: an endless stream for the latency run, from the state after the
 *       preload, stamped with the caller's timestamps, in the same mix as the measured events; link
 *       events carry {@code benchLink: n}, and the share {@link #ATTRIBUTE_SHARE} of
 *       single-identity events on a known identity that change an attribute {@code benchSingle: n}.
 *       When the devices not yet linked would drop below the number of customers, a single event
 *       introduces a new device instead, so a long run never runs out of links to make. A new
 *       device may be linked only {@code customers} events later, so that its first event has gone
 *       through the job before the link that merges its profile (else the link would find it
 *       unknown: no merge).
 * </ul>
 */
public final class IdentityBenchInput {

    public static final String EMAIL = "email";
    public static final String ECID = "ecid";

    /** The attribute a link event of the latency stream sets to its sequence number. */
    public static final String LINK_ATTRIBUTE = "benchLink";

    /** The attribute a single-identity event of the latency stream sets to its sequence number. */
    public static final String SINGLE_ATTRIBUTE = "benchSingle";

    /** Event time between two preload events, and between two measured events, ms. */
    static final long STEP_MILLIS = 10;

    /** Share of measured events that change an attribute (a profile update each). */
    static final double ATTRIBUTE_SHARE = 0.2;

    private static final JsonFactory JSON = new JsonFactory();

    /** What to generate. */
    public record Settings(
            int customers,
            int devicesPerCustomer,
            long events,
            double linkFraction,
            long seed,
            long startMillis) {
        public Settings {
            if (customers < 1 || devicesPerCustomer < 1 || events < 0) {
                throw new IllegalArgumentException("customers and devices must be positive");
            }
            if (linkFraction < 0 || linkFraction > 1) {
                throw new IllegalArgumentException("linkFraction must be within [0, 1]");
            }
            if (linkPositions(events, linkFraction) > (long) customers * devicesPerCustomer) {
                throw new IllegalArgumentException(
                        String.format(
                                "%d link events need as many devices not yet linked, but %d"
                                        + " customers x %d devices have only %d",
                                linkPositions(events, linkFraction),
                                customers,
                                devicesPerCustomer,
                                (long) customers * devicesPerCustomer));
            }
        }

        /** Events of the preload. */
        public long preloadEvents() {
            return (long) customers * (1 + devicesPerCustomer);
        }

        /** Link positions among the measured events. */
        public long links() {
            return linkPositions(events, linkFraction);
        }

        /** Event time of the first measured event: after the whole preload. */
        public long measuredStartMillis() {
            return startMillis + (preloadEvents() + 1) * STEP_MILLIS;
        }
    }

    /** What an event is. */
    public enum Kind {
        /** Founds a profile in the preload. */
        PRELOAD,
        /** One known identity. */
        SINGLE,
        /** A link position: the email and a device not linked before (with links). */
        LINK,
        /** The first event of a new anonymous device (latency stream only). */
        NEW_DEVICE
    }

    /**
     * One event: its sequence number within its part, what it is, its customer, the device it links
     * or introduces ({@code ecid}; null for other kinds, and for link positions without links),
     * whether it carries the latency stream's {@code benchLink} or {@code benchSingle}, its JSON.
     */
    public record Event(
            long seq, Kind kind, int customer, String device, boolean marked, String json) {}

    private final Settings settings;

    public IdentityBenchInput(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Whether measured event {@code n} is a link position: evenly spread, exactly the share. */
    static boolean isLinkPosition(long n, double fraction) {
        return (long) Math.floor((n + 1) * fraction) > (long) Math.floor(n * fraction);
    }

    private static long linkPositions(long events, double fraction) {
        return (long) Math.floor(events * fraction);
    }

    public static String email(int customer) {
        return "c" + customer + "@bench.example";
    }

    public static String device(int customer, int k) {
        return "ecid-" + customer + "-" + k;
    }

    /** The preload, customer by customer: the email first, then the devices. */
    public Iterator<Event> preload() {
        return new Iterator<>() {
            private long n;

            @Override
            public boolean hasNext() {
                return n < settings.preloadEvents();
            }

            @Override
            public Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int perCustomer = 1 + settings.devicesPerCustomer();
                int customer = (int) (n / perCustomer);
                int slot = (int) (n % perCustomer);
                long time = settings.startMillis() + n * STEP_MILLIS;
                String id = "ib-" + settings.seed() + "-p-" + n;
                String json =
                        slot == 0
                                ? json(
                                        id,
                                        time,
                                        "account.created",
                                        "crm",
                                        List.of(EMAIL, email(customer)),
                                        "tier",
                                        "basic",
                                        null)
                                : json(
                                        id,
                                        time,
                                        "web.pageView",
                                        "web",
                                        List.of(ECID, device(customer, slot - 1)),
                                        "lastPage",
                                        "/",
                                        "/");
                return new Event(n++, Kind.PRELOAD, customer, null, false, json);
            }
        };
    }

    /** The measured events, with links or (the same events) without. */
    public Iterator<Event> measured(boolean links) {
        Random random = new Random(settings.seed());
        Devices devices = new Devices(settings.customers(), settings.devicesPerCustomer());
        return new Iterator<>() {
            private long n;

            @Override
            public boolean hasNext() {
                return n < settings.events();
            }

            @Override
            public Event next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long seq = n++;
                String id = "ib-" + settings.seed() + "-m-" + seq;
                long time = settings.measuredStartMillis() + seq * STEP_MILLIS;
                boolean link = isLinkPosition(seq, settings.linkFraction());
                List<String> identities;
                int customer;
                String linked = null;
                if (link) {
                    long pick = devices.takeUnlinked(random);
                    customer = Devices.customerOf(pick);
                    if (links) {
                        linked = device(customer, Devices.deviceOf(pick));
                        identities = List.of(EMAIL, email(customer), ECID, linked);
                    } else {
                        identities = List.of(EMAIL, email(customer));
                    }
                } else {
                    customer = random.nextInt(settings.customers());
                    identities = devices.knownIdentity(customer, random);
                }
                // Drawn the same way for both variants and every kind of event.
                boolean attribute = random.nextDouble() < ATTRIBUTE_SHARE;
                double value = Math.round(random.nextDouble() * 20_000) / 100.0;
                String page = "/products/" + random.nextInt(1000);
                String json =
                        json(
                                id,
                                time,
                                link ? "web.login" : "web.pageView",
                                "web",
                                identities,
                                attribute ? "lastOrderValue" : null,
                                value,
                                page);
                return new Event(
                        seq, link ? Kind.LINK : Kind.SINGLE, customer, linked, false, json);
            }
        };
    }

    /** The latency run's events, from the state after the preload. */
    public LatencyStream latency(long seed) {
        return new LatencyStream(seed);
    }

    /** Endless; the caller gives each event its timestamp (the time it is sent). */
    public final class LatencyStream {
        private final Random random;
        private final Devices devices =
                new Devices(settings.customers(), settings.devicesPerCustomer());
        private final String idPrefix;
        private long n;

        private LatencyStream(long seed) {
            this.random = new Random(seed);
            this.idPrefix = "ib-" + seed + "-l-";
        }

        public Event next(long timestampMillis) {
            long seq = n++;
            devices.ripen(seq);
            String id = idPrefix + seq;
            String page = "/products/" + random.nextInt(1000);
            if (isLinkPosition(seq, settings.linkFraction())) {
                long pick = devices.takeUnlinked(random);
                int customer = Devices.customerOf(pick);
                String linked = device(customer, Devices.deviceOf(pick));
                List<String> identities = List.of(EMAIL, email(customer), ECID, linked);
                return new Event(
                        seq,
                        Kind.LINK,
                        customer,
                        linked,
                        true,
                        json(
                                id,
                                timestampMillis,
                                "web.login",
                                "web",
                                identities,
                                LINK_ATTRIBUTE,
                                seq,
                                page));
            }
            if (devices.notLinked() < settings.customers()) {
                int customer = random.nextInt(settings.customers());
                String added =
                        device(customer, devices.addDevice(customer, seq + settings.customers()));
                return new Event(
                        seq,
                        Kind.NEW_DEVICE,
                        customer,
                        added,
                        false,
                        json(
                                id,
                                timestampMillis,
                                "web.pageView",
                                "web",
                                List.of(ECID, added),
                                null,
                                null,
                                page));
            }
            int customer = random.nextInt(settings.customers());
            List<String> identity = devices.knownIdentity(customer, random);
            // As many attribute changes as in the measured events.
            boolean marked = random.nextDouble() < ATTRIBUTE_SHARE;
            return new Event(
                    seq,
                    Kind.SINGLE,
                    customer,
                    null,
                    marked,
                    json(
                            id,
                            timestampMillis,
                            "web.pageView",
                            "web",
                            identity,
                            marked ? SINGLE_ATTRIBUTE : null,
                            seq,
                            page));
        }
    }

    /**
     * Every customer's devices, and those not linked to the email yet (as {@code customer << 32 |
     * device}, taken at random in O(1)).
     */
    private static final class Devices {
        private final int[] count;
        private final List<Long> unlinked = new ArrayList<>();

        /** New devices and the event from which they may be linked, oldest first. */
        private final ArrayDeque<long[]> incubating = new ArrayDeque<>();

        Devices(int customers, int perCustomer) {
            count = new int[customers];
            for (int c = 0; c < customers; c++) {
                count[c] = perCustomer;
                for (int k = 0; k < perCustomer; k++) {
                    unlinked.add(pack(c, k));
                }
            }
        }

        static long pack(int customer, int device) {
            return ((long) customer << 32) | device;
        }

        static int customerOf(long packed) {
            return (int) (packed >>> 32);
        }

        static int deviceOf(long packed) {
            return (int) packed;
        }

        /** Devices not linked yet, including new ones that may not be linked yet. */
        int notLinked() {
            return unlinked.size() + incubating.size();
        }

        /** New devices whose time has come may be linked from event {@code seq} on. */
        void ripen(long seq) {
            while (!incubating.isEmpty() && incubating.peek()[1] <= seq) {
                unlinked.add(incubating.poll()[0]);
            }
        }

        long takeUnlinked(Random random) {
            if (unlinked.isEmpty()) {
                return incubating.poll()[0];
            }
            int i = random.nextInt(unlinked.size());
            long picked = unlinked.get(i);
            unlinked.set(i, unlinked.get(unlinked.size() - 1));
            unlinked.remove(unlinked.size() - 1);
            return picked;
        }

        int addDevice(int customer, long linkableFrom) {
            int k = count[customer]++;
            incubating.add(new long[] {pack(customer, k), linkableFrom});
            return k;
        }

        /** The customer's email or one of its devices, linked or not, at random. */
        List<String> knownIdentity(int customer, Random random) {
            int which = random.nextInt(1 + count[customer]);
            return which == 0
                    ? List.of(EMAIL, email(customer))
                    : List.of(ECID, device(customer, which - 1));
        }
    }

    /**
     * One event as JSON (contract section 3): identities as (namespace, id) pairs; at most one
     * attribute ({@code attribute} null: none); properties with the page, if any.
     */
    private static String json(
            String eventId,
            long timestamp,
            String type,
            String source,
            List<String> identities,
            String attribute,
            Object value,
            String page) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("eventId", eventId);
            g.writeNumberField("timestamp", timestamp);
            g.writeStringField("type", type);
            g.writeArrayFieldStart("identities");
            for (int i = 0; i < identities.size(); i += 2) {
                g.writeStartObject();
                g.writeStringField("namespace", identities.get(i));
                g.writeStringField("id", identities.get(i + 1));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("source", source);
            if (attribute != null) {
                g.writeObjectFieldStart("attributes");
                if (value instanceof Long l) {
                    g.writeNumberField(attribute, l);
                } else if (value instanceof Double d) {
                    g.writeNumberField(attribute, d);
                } else {
                    g.writeStringField(attribute, String.valueOf(value));
                }
                g.writeEndObject();
            }
            if (page != null) {
                g.writeObjectFieldStart("properties");
                g.writeStringField("page", page);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
