package io.rtprofile.jobs.config;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The validated settings of the profile topology. */
class ProfileJobSettingsTest {

    @Test
    void defaultsAreTheContracts() {
        ProfileJobSettings settings = ProfileJobSettings.defaults();

        assertThat(settings.namespaces()).containsExactly("crm", "email", "phone", "ecid");
        assertThat(settings.maxEventBytes()).isEqualTo(256 * 1024);
        assertThat(settings.dedupHorizon()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.mergePolicy()).isEqualTo(MergePolicy.TIMESTAMP);
        assertThat(settings.sourcePrecedence()).containsExactly("crm", "pos", "app", "web");
        assertThat(settings.outOfOrderness()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.sourceIdleness()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsEveryOptionFromTheConfiguration() {
        Configuration config = new Configuration();
        config.setString("rtprofile.identity.namespaces", "crm;loyalty;ecid");
        config.setString("rtprofile.events.max-size", "1mb");
        config.setString("rtprofile.dedup.horizon", "2 h");
        config.setString("rtprofile.merge.policy", "precedence");
        config.setString("rtprofile.merge.source-precedence", "pos;crm");
        config.setString("rtprofile.events.out-of-orderness", "0 s");
        config.setString("rtprofile.events.source-idleness", "1 min");

        ProfileJobSettings settings = ProfileJobSettings.from(config);

        assertThat(settings.namespaces()).containsExactly("crm", "loyalty", "ecid");
        assertThat(settings.maxEventBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.dedupHorizon()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.mergePolicy()).isEqualTo(MergePolicy.PRECEDENCE);
        assertThat(settings.sourcePrecedence()).containsExactly("pos", "crm");
        assertThat(settings.outOfOrderness()).isZero();
        assertThat(settings.sourceIdleness()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void invalidNamespacesNameTheKey() {
        assertInvalid(
                with("rtprofile.identity.namespaces", "crm;Loyalty Card"),
                "Invalid setting rtprofile.identity.namespaces: 'Loyalty Card' is not a namespace"
                        + " name ([a-z][a-z0-9_.-]*)");
        assertInvalid(
                with("rtprofile.identity.namespaces", "crm;email;crm"),
                "Invalid setting rtprofile.identity.namespaces: namespaces repeat");
    }

    @Test
    void noNamespaceIsInvalid() {
        assertThatThrownBy(
                        () ->
                                new ProfileJobSettings(
                                        List.of(),
                                        1024,
                                        Duration.ofDays(1),
                                        MergePolicy.TIMESTAMP,
                                        List.of(),
                                        Duration.ZERO,
                                        Duration.ofSeconds(1)))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage(
                        "Invalid setting rtprofile.identity.namespaces: at least one namespace is"
                                + " needed");
    }

    @Test
    void outOfRangeValuesNameTheKey() {
        assertInvalid(
                with("rtprofile.events.max-size", "63b"),
                "Invalid setting rtprofile.events.max-size: must be at least 64 bytes");
        assertInvalid(
                with("rtprofile.dedup.horizon", "0 ms"),
                "Invalid setting rtprofile.dedup.horizon: must be positive");
        assertInvalid(
                with("rtprofile.events.source-idleness", "0 s"),
                "Invalid setting rtprofile.events.source-idleness: must be positive");
        assertThatThrownBy(
                        () ->
                                new ProfileJobSettings(
                                        List.of("crm"),
                                        1024,
                                        Duration.ofDays(1),
                                        MergePolicy.TIMESTAMP,
                                        List.of(),
                                        Duration.ofSeconds(-1),
                                        Duration.ofSeconds(1)))
                .hasMessage(
                        "Invalid setting rtprofile.events.out-of-orderness: must not be negative");
        assertThat(
                        ProfileJobSettings.from(with("rtprofile.events.max-size", "64b"))
                                .maxEventBytes())
                .isEqualTo(64);
    }

    @Test
    void unparseableValuesNameTheKey() {
        assertThatThrownBy(() -> ProfileJobSettings.from(with("rtprofile.merge.policy", "newest")))
                .hasMessageContaining("rtprofile.merge.policy");
        assertThatThrownBy(() -> ProfileJobSettings.from(with("rtprofile.events.max-size", "lots")))
                .hasMessageContaining("rtprofile.events.max-size");
        assertThatThrownBy(() -> ProfileJobSettings.from(with("rtprofile.dedup.horizon", "a week")))
                .hasMessageContaining("rtprofile.dedup.horizon");
    }

    @Test
    void settingsTravelWithTheOperators() throws Exception {
        ProfileJobSettings settings =
                ProfileJobSettings.from(with("rtprofile.merge.source-precedence", "web;crm"));

        ProfileJobSettings copy = InstantiationUtil.clone(settings, getClass().getClassLoader());

        assertThat(copy).isEqualTo(settings);
        assertThat(copy.sourcePrecedence()).containsExactly("web", "crm");
    }

    @Test
    void listsAreCopiedNotShared() {
        List<String> namespaces = new java.util.ArrayList<>(List.of("crm", "email"));
        ProfileJobSettings settings =
                new ProfileJobSettings(
                        namespaces,
                        1024,
                        Duration.ofDays(1),
                        MergePolicy.TIMESTAMP,
                        List.of("crm"),
                        Duration.ZERO,
                        Duration.ofSeconds(1));

        namespaces.add("phone");

        assertThat(settings.namespaces()).containsExactly("crm", "email");
        assertThatThrownBy(() -> settings.namespaces().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static Configuration with(String key, String value) {
        Configuration config = new Configuration();
        config.setString(key, value);
        return config;
    }

    private static void assertInvalid(Configuration config, String message) {
        assertThatThrownBy(() -> ProfileJobSettings.from(config))
                .isInstanceOf(IllegalConfigurationException.class)
                .hasMessage(message);
    }
}
