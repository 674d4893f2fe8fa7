package io.rtprofile.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityBenchInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START = 1_700_000_000_000L;

    private static final IdentityBenchInput INPUT =
            new IdentityBenchInput(new IdentityBenchInput.Settings(300, 2, 5_000, 0.1, 7, START));

    @Test
    void preloadFoundsAnEmailProfileAndTheDeviceProfilesOfEveryCustomer() throws Exception {
        List<JsonNode> preload = parse(INPUT.preload());
        assertThat(preload).hasSize(300 * 3);
        Set<String> identities = new HashSet<>();
        for (JsonNode event : preload) {
            assertThat(event.get("identities")).hasSize(1);
            identities.add(key(event.get("identities").get(0)));
        }
        assertThat(identities).hasSize(900);
        assertThat(identities)
                .contains(
                        "email:" + IdentityBenchInput.email(299),
                        "ecid:" + IdentityBenchInput.device(299, 1));
        long lastPreload = preload.get(preload.size() - 1).get("timestamp").asLong();
        assertThat(INPUT.settings().measuredStartMillis()).isGreaterThan(lastPreload);
    }

    @Test
    void tenPercentOfTheMeasuredEventsLinkAnEmailToADeviceNotLinkedBefore() throws Exception {
        List<JsonNode> measured = parse(INPUT.measured(true));
        assertThat(measured).hasSize(5_000);
        Set<String> preloaded = new HashSet<>();
        for (JsonNode event : parse(INPUT.preload())) {
            preloaded.add(key(event.get("identities").get(0)));
        }
        Set<String> linkedDevices = new HashSet<>();
        int links = 0;
        for (JsonNode event : measured) {
            JsonNode identities = event.get("identities");
            if (identities.size() == 2) {
                links++;
                String email = key(identities.get(0));
                String device = key(identities.get(1));
                assertThat(email).startsWith("email:");
                assertThat(device).startsWith("ecid:");
                // The device belongs to the email's customer, exists, and is linked only once.
                String customer = email.substring("email:c".length(), email.indexOf('@'));
                assertThat(device).startsWith("ecid:ecid-" + customer + "-");
                assertThat(preloaded).contains(email, device);
                assertThat(linkedDevices.add(device)).isTrue();
            } else {
                assertThat(identities).hasSize(1);
                assertThat(preloaded).contains(key(identities.get(0)));
            }
        }
        assertThat(links).isEqualTo(500);
        assertThat(INPUT.settings().links()).isEqualTo(500);
        // Evenly spread: every tenth event.
        assertThat(measured.get(9).get("identities")).hasSize(2);
        assertThat(measured.get(10).get("identities")).hasSize(1);
    }

    @Test
    void withoutLinksTheSameEventsCarryTheEmailAlone() throws Exception {
        List<JsonNode> withLinks = parse(INPUT.measured(true));
        List<JsonNode> without = parse(INPUT.measured(false));
        assertThat(without).hasSize(withLinks.size());
        int differing = 0;
        for (int i = 0; i < withLinks.size(); i++) {
            ObjectNode a = (ObjectNode) withLinks.get(i).deepCopy();
            ObjectNode b = (ObjectNode) without.get(i).deepCopy();
            JsonNode linked = a.remove("identities");
            JsonNode alone = b.remove("identities");
            assertThat(b).isEqualTo(a);
            if (!linked.equals(alone)) {
                differing++;
                assertThat(alone).hasSize(1);
                assertThat(alone.get(0)).isEqualTo(linked.get(0));
            }
        }
        assertThat(differing).isEqualTo(500);
        // Deterministic: the same settings give the same events.
        assertThat(parse(INPUT.measured(true))).isEqualTo(withLinks);
    }

    @Test
    void theLatencyStreamMarksLinksAndSinglesAndNeverRunsOutOfDevices() throws Exception {
        IdentityBenchInput.LatencyStream stream = INPUT.latency(11);
        int links = 0;
        int newDevices = 0;
        int marked = 0;
        // Far more links than the preload has devices (600).
        for (long n = 0; n < 20_000; n++) {
            IdentityBenchInput.Event event = stream.next(START + n);
            JsonNode json = JSON.readTree(event.json());
            assertThat(json.get("timestamp").asLong()).isEqualTo(START + n);
            switch (event.kind()) {
                case LINK -> {
                    links++;
                    assertThat(event.marked()).isTrue();
                    assertThat(json.get("identities")).hasSize(2);
                    assertThat(json.at("/attributes/benchLink").asLong()).isEqualTo(n);
                }
                case SINGLE -> {
                    assertThat(json.get("identities")).hasSize(1);
                    if (event.marked()) {
                        marked++;
                        assertThat(json.at("/attributes/benchSingle").asLong()).isEqualTo(n);
                    } else {
                        assertThat(json.has("attributes")).isFalse();
                    }
                }
                case NEW_DEVICE -> {
                    newDevices++;
                    assertThat(json.get("identities").get(0).get("namespace").asText())
                            .isEqualTo("ecid");
                }
                default -> throw new AssertionError(event.kind());
            }
        }
        assertThat(links).isEqualTo(2_000);
        assertThat(newDevices).isPositive();
        // About a fifth of the single-identity events change an attribute, as in the measured part.
        assertThat(marked).isBetween(2_800, 4_400);
    }

    @Test
    void refusesMoreLinksThanDevices() {
        assertThatThrownBy(() -> new IdentityBenchInput.Settings(10, 2, 1_000, 0.1, 7, START))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100 link events");
    }

    private static List<JsonNode> parse(Iterator<IdentityBenchInput.Event> events)
            throws Exception {
        List<JsonNode> parsed = new ArrayList<>();
        while (events.hasNext()) {
            parsed.add(JSON.readTree(events.next().json()));
        }
        return parsed;
    }

    private static String key(JsonNode identity) {
        return identity.get("namespace").asText() + ":" + identity.get("id").asText();
    }
}
