package io.rtprofile.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventGeneratorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> NAMESPACES = Set.of("crm", "email", "phone", "ecid");
    private static final Set<String> SOURCES = Set.of("web", "crm", "pos", "app");
    private static final GeneratorConfig TEN_K = GeneratorConfig.of(1_000, 10_000, 42);

    /** The 10k-event data set most tests look at, generated once. */
    private static List<GeneratedEvent> events;

    private static List<JsonNode> json;

    @BeforeAll
    static void generate() throws Exception {
        events = new ArrayList<>();
        json = new ArrayList<>();
        EventGenerator generator = new EventGenerator(TEN_K);
        while (generator.hasNext()) {
            GeneratedEvent e = generator.nextEvent();
            events.add(e);
            json.add(MAPPER.readTree(e.json()));
        }
    }

    @Test
    void sameSeedGivesIdenticalOutput() {
        GeneratorConfig config = GeneratorConfig.of(200, 3_000, 7);
        assertThat(new EventGenerator(config).stream().toList())
                .isEqualTo(new EventGenerator(config).stream().toList());
    }

    @Test
    void differentSeedGivesDifferentOutput() {
        List<String> a = new EventGenerator(GeneratorConfig.of(200, 1_000, 7)).stream().toList();
        List<String> b = new EventGenerator(GeneratorConfig.of(200, 1_000, 8)).stream().toList();
        assertThat(a).hasSize(1_000).isNotEqualTo(b);
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "1, 1", "1, 57", "3, 1000", "5000, 20", "1000, 10000"})
    void producesExactlyTheRequestedNumberOfEvents(int profiles, long count) {
        EventGenerator generator = new EventGenerator(GeneratorConfig.of(profiles, count, 3));
        long n = 0;
        while (generator.hasNext()) {
            generator.next();
            n++;
        }
        assertThat(n).isEqualTo(count);
        assertThat(generator.hasNext()).isFalse();
        assertThat(generator.emitted()).isEqualTo(count);
        assertThatThrownBy(generator::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void writesOneEventPerLine() throws Exception {
        StringWriter out = new StringWriter();
        long n = new EventGenerator(GeneratorConfig.of(50, 500, 1)).writeTo(out);
        assertThat(n).isEqualTo(500);
        assertThat(out.toString()).endsWith("\n");
        assertThat(out.toString().split("\n", -1)).hasSize(501);
    }

    @Test
    void everyEventHasTheContractShape() {
        Set<String> ids = new HashSet<>();
        for (JsonNode e : json) {
            assertThat(e.path("eventId").isTextual()).as("eventId of %s", e).isTrue();
            ids.add(e.get("eventId").asText());
            assertThat(e.path("timestamp").asText())
                    .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
            assertThat(e.path("type").asText()).isNotBlank();
            assertThat(e.path("source").asText()).isIn(SOURCES);
            JsonNode identities = e.path("identities");
            assertThat(identities.isArray()).isTrue();
            assertThat(identities.size()).as("identities of %s", e).isBetween(1, 3);
            Set<String> namespaces = new HashSet<>();
            for (JsonNode identity : identities) {
                assertThat(identity.path("namespace").asText()).isIn(NAMESPACES);
                assertThat(identity.path("id").asText()).isNotBlank();
                namespaces.add(identity.get("namespace").asText());
            }
            assertThat(namespaces).as("one identity per namespace").hasSize(identities.size());
            if (e.has("attributes")) {
                assertThat(e.get("attributes").isObject()).isTrue();
                e.get("attributes")
                        .elements()
                        .forEachRemaining(
                                v -> {
                                    if (v.isArray()) {
                                        v.elements()
                                                .forEachRemaining(
                                                        x -> assertThat(x.isValueNode()).isTrue());
                                    } else {
                                        assertThat(v.isValueNode()).as("attribute %s", v).isTrue();
                                    }
                                });
            }
            if (e.has("properties")) {
                assertThat(e.get("properties").isObject()).isTrue();
            }
        }
        assertThat(ids).hasSize(events.size());
        assertThat(events).allSatisfy(e -> assertThat(e.json()).doesNotContain("\n"));
    }

    @Test
    void timestampsLieInTheSpan() {
        Instant start = TEN_K.start();
        Instant end = TEN_K.end();
        for (int i = 0; i < events.size(); i++) {
            Instant t = Instant.parse(json.get(i).get("timestamp").asText());
            assertThat(t).isEqualTo(events.get(i).timestamp()).isBetween(start, end);
        }
        // Spread over the whole span, not bunched at its start.
        assertThat(events.get(events.size() - 1).timestamp())
                .isAfter(end.minus(Duration.ofDays(1)));
        assertThat(events.get(events.size() / 2).timestamp())
                .isBetween(start.plus(Duration.ofDays(13)), start.plus(Duration.ofDays(17)));
    }

    @Test
    void timestampsAreOrderedUpToASmallLateness() {
        // Dense data, so that sessions overlap and late arrivals show.
        EventGenerator generator =
                new EventGenerator(
                        GeneratorConfig.of(500, 20_000, 5).withSpan(Duration.ofHours(6)));
        long maxSeen = Long.MIN_VALUE;
        long maxLateness = 0;
        int late = 0;
        while (generator.hasNext()) {
            long t = generator.nextEvent().timestampMillis();
            if (t < maxSeen) {
                late++;
                maxLateness = Math.max(maxLateness, maxSeen - t);
            }
            maxSeen = Math.max(maxSeen, t);
        }
        assertThat(late).isPositive().isLessThan(20_000 / 50);
        assertThat(maxLateness).isLessThanOrEqualTo(EventGenerator.MAX_OUT_OF_ORDERNESS.toMillis());
    }

    @Test
    void activityIsSkewedAcrossCustomers() {
        Map<Integer, Long> perCustomer =
                events.stream()
                        .collect(
                                Collectors.groupingBy(
                                        GeneratedEvent::customer, Collectors.counting()));
        long[] counts = new long[TEN_K.profiles()];
        perCustomer.forEach((c, n) -> counts[c] = n);
        Arrays.sort(counts);
        long top10 = 0;
        for (int i = counts.length - counts.length / 10; i < counts.length; i++) {
            top10 += counts[i];
        }
        assertThat((double) top10 / events.size()).isGreaterThan(0.4);
        // ...and yet most customers show up at all.
        assertThat(perCustomer).hasSizeGreaterThan(TEN_K.profiles() / 2);
    }

    @Test
    void identitiesLinkOnlyEventsOfTheSameCustomer() {
        // Resolve identities as the engine would (emails trimmed and lower-cased).
        IdentityGroups groups = new IdentityGroups();
        for (JsonNode e : json) {
            List<String> keys = identityKeys(e);
            for (String key : keys.subList(1, keys.size())) {
                groups.union(keys.get(0), key);
            }
        }
        Map<String, Integer> customerOfGroup = new HashMap<>();
        Map<String, Set<String>> crmIdsOfGroup = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            for (String key : identityKeys(json.get(i))) {
                String group = groups.find(key);
                Integer previous = customerOfGroup.putIfAbsent(group, events.get(i).customer());
                assertThat(previous).isIn(null, events.get(i).customer());
                if (key.startsWith("crm:")) {
                    crmIdsOfGroup.computeIfAbsent(group, g -> new HashSet<>()).add(key);
                }
            }
        }
        assertThat(crmIdsOfGroup.values()).allSatisfy(ids -> assertThat(ids).hasSize(1));
        // Anonymous devices that never logged in stay separate profiles; most activity links up.
        assertThat(customerOfGroup.size()).isLessThan(2 * TEN_K.profiles());
    }

    @Test
    void anonymousDevicesLaterLogInWithAnEmail() {
        Set<String> anonymousEcids = new HashSet<>();
        int linkedLater = 0;
        for (JsonNode e : json) {
            List<String> keys = identityKeys(e);
            String ecid = keys.stream().filter(k -> k.startsWith("ecid:")).findFirst().orElse(null);
            if (ecid == null) {
                continue;
            }
            if (keys.size() == 1) {
                anonymousEcids.add(ecid);
            } else if (keys.stream().anyMatch(k -> k.startsWith("email:"))
                    && anonymousEcids.contains(ecid)) {
                linkedLater++;
            }
        }
        assertThat(linkedLater).isGreaterThan(50);
        assertThat(json).anySatisfy(e -> assertThat(e.get("type").asText()).isEqualTo("web.login"));
    }

    @Test
    void someEmailsNeedNormalizing() {
        List<String> emails =
                json.stream()
                        .flatMap(e -> toList(e.get("identities")).stream())
                        .filter(i -> i.get("namespace").asText().equals("email"))
                        .map(i -> i.get("id").asText())
                        .toList();
        assertThat(emails).isNotEmpty().allSatisfy(m -> assertThat(m).contains("@"));
        assertThat(emails).anySatisfy(m -> assertThat(m).isNotEqualTo(m.trim()));
        assertThat(emails).anySatisfy(m -> assertThat(m).isNotEqualTo(m.toLowerCase(Locale.ROOT)));
        long clean =
                emails.stream().filter(m -> m.equals(m.trim().toLowerCase(Locale.ROOT))).count();
        assertThat((double) clean / emails.size()).isGreaterThan(0.6);
    }

    @Test
    void crmRecordsCarryCustomerAttributes() {
        List<JsonNode> crm = ofSource("crm");
        assertThat((double) crm.size() / json.size()).isGreaterThan(0.02);
        List<JsonNode> created =
                crm.stream()
                        .filter(e -> e.get("type").asText().equals("crm.record"))
                        .filter(e -> e.path("attributes").has("firstName"))
                        .toList();
        assertThat(created)
                .isNotEmpty()
                .allSatisfy(
                        e -> {
                            JsonNode a = e.get("attributes");
                            assertThat(a.get("lastName").isTextual()).isTrue();
                            assertThat(a.get("loyaltyTier").asText())
                                    .isIn("silver", "gold", "platinum");
                            assertThat(a.get("country").asText()).hasSize(2);
                            assertThat(a.get("birthYear").asInt()).isBetween(1940, 2015);
                            assertThat(identityKeys(e)).anyMatch(k -> k.startsWith("crm:"));
                            assertThat(identityKeys(e)).anyMatch(k -> k.startsWith("email:"));
                        });
    }

    @Test
    void customersBrowseSearchAndBuy() {
        List<JsonNode> searches = ofType("web.search");
        assertThat(searches).hasSizeGreaterThan(500);
        assertThat(searches)
                .anySatisfy(
                        e -> assertThat(e.at("/properties/query").asText()).contains("sneakers"));
        assertThat(ofType("web.pageView")).isNotEmpty();
        assertThat(ofType("web.productView")).isNotEmpty();
        assertThat(ofType("commerce.addToCart")).isNotEmpty();
        assertThat(ofType("commerce.checkout")).isNotEmpty();
        List<JsonNode> purchases = ofType("commerce.purchase");
        assertThat(purchases)
                .hasSizeGreaterThan(50)
                .allSatisfy(
                        e -> {
                            JsonNode p = e.get("properties");
                            assertThat(p.get("sku").asText()).startsWith("SK-");
                            assertThat(p.get("value").isNumber()).isTrue();
                            assertThat(p.get("value").decimalValue()).isPositive();
                            assertThat(p.get("currency").asText()).isIn("USD", "EUR", "GBP");
                        });
        assertThat(purchases)
                .anySatisfy(e -> assertThat(e.get("source").asText()).isEqualTo("pos"));
    }

    @Test
    void otherChannelsUpdateAttributes() {
        assertThat(ofType("app.open")).isNotEmpty();
        assertThat(ofType("consent.update"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("attributes").size()).isPositive());
        assertThat(json)
                .anySatisfy(e -> assertThat(e.at("/attributes/consentEmail").isBoolean()).isTrue());
        assertThat(json)
                .anySatisfy(
                        e ->
                                assertThat(e.at("/attributes/preferredStore").asText())
                                        .startsWith("store-"));
        assertThat(ofSource("web"))
                .anySatisfy(e -> assertThat(e.at("/attributes/country").isTextual()).isTrue());
        assertThat(json)
                .anySatisfy(e -> assertThat(identityKeys(e)).anyMatch(k -> k.startsWith("phone:")));
    }

    @Test
    void formatsTimestampsWithMillis() {
        for (long t :
                new long[] {
                    0L,
                    1_777_593_600_000L,
                    1_777_593_600_007L,
                    Instant.parse("2028-02-29T23:59:59.999Z").toEpochMilli(),
                    Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli()
                }) {
            String formatted = EventDraft.formatTimestamp(t);
            assertThat(formatted).hasSize(24);
            assertThat(Instant.parse(formatted).toEpochMilli()).isEqualTo(t);
        }
        assertThat(
                        EventDraft.formatTimestamp(
                                Instant.parse("2026-11-01T10:00:00.123Z").toEpochMilli()))
                .isEqualTo("2026-11-01T10:00:00.123Z");
        assertThat(EventDraft.formatTimestamp(Instant.parse("2026-11-01T10:00:00Z").toEpochMilli()))
                .isEqualTo("2026-11-01T10:00:00.000Z");
    }

    @Test
    void valuesAreDecimalsWithCents() {
        JsonNode purchase = ofType("commerce.purchase").get(0);
        BigDecimal value = purchase.at("/properties/value").decimalValue();
        assertThat(value.scale()).isLessThanOrEqualTo(2);
    }

    private static List<JsonNode> ofType(String type) {
        return json.stream().filter(e -> e.get("type").asText().equals(type)).toList();
    }

    private static List<JsonNode> ofSource(String source) {
        return json.stream().filter(e -> e.get("source").asText().equals(source)).toList();
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.elements().forEachRemaining(list::add);
        return list;
    }

    /** {@code namespace:id}, with emails normalized as the engine does. */
    private static List<String> identityKeys(JsonNode event) {
        List<String> keys = new ArrayList<>();
        for (JsonNode identity : event.get("identities")) {
            String namespace = identity.get("namespace").asText();
            String id = identity.get("id").asText();
            if (namespace.equals("email")) {
                id = id.trim().toLowerCase(Locale.ROOT);
            }
            keys.add(namespace + ":" + id);
        }
        return keys;
    }

    /** Union-find over identity keys. */
    private static final class IdentityGroups {
        private final Map<String, String> parent = new HashMap<>();

        String find(String key) {
            String root = key;
            String p;
            while (!(p = parent.getOrDefault(root, root)).equals(root)) {
                root = p;
            }
            parent.put(key, root);
            return root;
        }

        void union(String a, String b) {
            String ra = find(a);
            String rb = find(b);
            if (!ra.equals(rb)) {
                parent.put(ra, rb);
            }
        }
    }
}
