package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.state.ProfileState;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A profile's state is bounded by the definitions, not by its number of events: the example
 * definitions over a year of a very active customer keep the state at a size that stops growing.
 * Also prints the serialized size per profile quoted in docs/segments.md.
 */
class SegmentStateSizeTest {

    private static final String[] TYPES = {
        "web.search",
        "web.productView",
        "web.productView",
        "web.login",
        "commerce.addToCart",
        "commerce.checkout",
        "commerce.purchase",
        "app.open"
    };

    @Test
    void stateStopsGrowingWithEvents() throws Exception {
        long typical = feed(200, 365L * 24 * 60 / 200);
        long veryActive = feed(6_000, 88);
        // More events add little; the cap of windowed sums bounds the worst case.
        assertThat(veryActive).isLessThan(16 * 1024);
        assertThat(typical).isLessThan(veryActive);
    }

    /** Feeds {@code events} events about {@code minutes} apart; returns the largest state seen. */
    private static long feed(int events, long minutes) throws Exception {
        SegmentPlan plan = SegmentPlan.of(SegmentDefinitions.load(Path.of("../examples/segments")));
        ProfileMerger merger = new ProfileMerger(ProfileJobSettings.defaults());
        SegmentEvaluator evaluator = new SegmentEvaluator(plan, () -> {});
        Random random = new Random(42);
        ProfileState profile = ProfileMerger.newProfile("p");
        long time = T0;
        long sizeAfterWarmUp = 0;
        long largest = 0;
        for (int i = 0; i < events; i++) {
            time += 1 + random.nextInt((int) (2 * minutes * 60_000));
            String type = TYPES[random.nextInt(TYPES.length)];
            ExperienceEvent e =
                    event(String.format("e-%06d", i))
                            .at(time)
                            .type(type)
                            .identity("crm", "c-1")
                            .attribute("country", random.nextBoolean() ? "FR" : "DE")
                            .properties(
                                    "{\"query\": \"red sneakers\", \"sku\": \"SK-"
                                            + random.nextInt(50)
                                            + "\", \"value\": "
                                            + (5 + random.nextInt(900))
                                            + "}")
                            .build();
            long boundary;
            while ((boundary = evaluator.nextBoundary(profile)) < time) {
                evaluator.evaluate(profile, boundary, Long.MIN_VALUE);
            }
            evaluator.observe(profile, e, time - 10_000);
            merger.apply(profile, e);
            evaluator.evaluate(profile, time, time - 10_000);
            if (i % 50 == 0 || i == events / 2) {
                long size = serializedSize(profile);
                if (i == events / 2) {
                    sizeAfterWarmUp = size;
                }
                largest = Math.max(largest, size);
            }
        }
        ProfileState bare = ProfileState.newBuilder(profile).build();
        bare.setWindows(new java.util.HashMap<>());
        System.out.printf(
                "example segments (%d, %d aggregates), %d events over a year: state %d bytes"
                        + " at the end (%d without window aggregates), at most %d%n",
                plan.segments.size(),
                plan.aggregatesByKey.size(),
                events,
                serializedSize(profile),
                serializedSize(bare),
                largest);
        // Half a year in, the state is as large as it gets: more events add nothing.
        assertThat(largest).isLessThan(sizeAfterWarmUp * 2);
        return largest;
    }

    @Test
    void windowedSumsStayWithinTheirCap() {
        WindowedSum sum = new WindowedSum("k");
        sum.useWith(90L * 24 * 3_600_000);
        var state = WindowAggregate.emptyState();
        long t = T0;
        for (int i = 0; i < 10_000; i++) {
            t += 60_000; // one a minute: far more distinct times than the cap
            sum.add(state, 1.0, t);
        }
        assertThat(state.getTimes()).hasSizeLessThanOrEqualTo(WindowedSum.MAX_ENTRIES + 1);
        // Nothing is lost by merging: the 90-day window still holds every value.
        assertThat(sum.sumAndCount(state, t, 90L * 24 * 3_600_000))
                .containsExactly(10_000.0, 10_000.0);
    }

    static long serializedSize(ProfileState profile) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(ProfileState.class).write(profile, encoder);
        encoder.flush();
        return bytes.size();
    }
}
