package io.rtprofile.jobs.segments.definition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class SegmentDefinitionsTest {

    @TempDir Path dir;

    // ------------------------------------------------------------------------------------------
    // Each construct parses.

    @Test
    void parsesTheContractExample() throws Exception {
        SegmentDefinition def =
                byId(SegmentDefinitions.load(examples()), "sneaker-searchers-no-purchase");

        assertThat(def.name()).isEqualTo("Searched sneakers in the last 30 days, bought nothing");
        Condition.All all = (Condition.All) def.condition();
        assertThat(all.conditions()).hasSize(6);

        Condition.Events searched = (Condition.Events) all.conditions().get(0);
        assertThat(searched.where().orElseThrow().source())
                .isEqualTo(
                        "event.type == \"web.search\" &&"
                                + " event.properties.query.contains(\"sneaker\")");
        assertThat(searched.within()).isEqualTo(Window.of(Duration.ofDays(30)));
        assertThat(searched.aggregate()).isEqualTo(Aggregate.COUNT);
        assertThat(searched.comparison()).isEqualTo(Comparison.AT_LEAST_ONE);

        Condition.Events noPurchase =
                (Condition.Events) ((Condition.Not) all.conditions().get(1)).condition();
        assertThat(noPurchase.aggregate()).isEqualTo(Aggregate.COUNT);
        assertThat(noPurchase.comparison()).isEqualTo(Comparison.AT_LEAST_ONE);

        Condition.Events spent = (Condition.Events) all.conditions().get(2);
        assertThat(spent.aggregate().function()).isEqualTo(Aggregate.Function.SUM);
        assertThat(spent.aggregate().of().orElseThrow().source())
                .isEqualTo("event.properties.value");
        assertThat(spent.comparison())
                .isEqualTo(new Comparison(Comparison.Operator.GT, new BigDecimal("500")));
        assertThat(spent.within()).isEqualTo(Window.of(Duration.ofDays(90)));

        assertThat(((Condition.Profile) all.conditions().get(3)).expression().variable())
                .isEqualTo("profile");

        Condition.Sequence sequence = (Condition.Sequence) all.conditions().get(4);
        assertThat(sequence.steps())
                .extracting(CelExpression::source)
                .containsExactly(
                        "event.type == \"commerce.addToCart\"",
                        "event.type == \"commerce.checkout\"");
        assertThat(sequence.within()).isEqualTo(Window.of(Duration.ofHours(1)));

        assertThat(all.conditions().get(5)).isEqualTo(new Condition.SegmentRef("high-value"));
    }

    @Test
    void parsesEveryAggregateAndComparison() throws Exception {
        write(
                "aggs.yaml",
                """
                - id: a
                  name: A
                  condition:
                    any:
                      - events: {within: 10s, count: "< 3"}
                      - events: {within: 5m, sum: event.properties.value, value: "<= 1.5"}
                      - events: {within: 2h, min: event.properties.value, value: "== -2"}
                      - events: {within: 3d, max: event.properties.value, value: "!= 0"}
                      - events: {within: lifetime, avg: event.properties.value, value: ">= 1e3"}
                      - events: {within: 1d, distinct: event.properties.sku, value: "> 4"}
                """);

        Condition.Any any = (Condition.Any) SegmentDefinitions.load(dir).get(0).condition();

        assertThat(any.conditions())
                .map(c -> (Condition.Events) c)
                .extracting(
                        e -> e.aggregate().function(),
                        e -> e.comparison().toString(),
                        e -> e.within().toString())
                .containsExactly(
                        tuple(Aggregate.Function.COUNT, "< 3", "PT10S"),
                        tuple(Aggregate.Function.SUM, "<= 1.5", "PT5M"),
                        tuple(Aggregate.Function.MIN, "== -2", "PT2H"),
                        tuple(Aggregate.Function.MAX, "!= 0", "PT72H"),
                        tuple(Aggregate.Function.AVG, ">= 1000", "lifetime"),
                        tuple(Aggregate.Function.DISTINCT, "> 4", "PT24H"));
        assertThat(((Condition.Events) any.conditions().get(4)).within().isLifetime()).isTrue();
    }

    @Test
    void readsJsonAndSingleDefinitions() throws Exception {
        write("one.json", "{\"id\": \"j\", \"name\": \"J\", \"condition\": {\"segment\": \"y\"}}");
        write("two.yml", "id: y\nname: Y\ncondition:\n  profile: has(profile.attributes.tier)\n");

        assertThat(SegmentDefinitions.load(dir))
                .extracting(SegmentDefinition::id)
                .containsExactly("j", "y");
    }

    @Test
    void compiledProgramsAreKeptForEvaluation() throws Exception {
        SegmentDefinition def =
                SegmentDefinitions.parse(
                                "t.yaml",
                                "id: t\nname: T\ncondition:\n  profile: profile.attributes.country"
                                        + " == \"FR\"\n")
                        .get(0);
        CelExpression x = ((Condition.Profile) def.condition()).expression();

        Object fr =
                x.program()
                        .eval(
                                java.util.Map.of(
                                        "profile",
                                        java.util.Map.of(
                                                "attributes", java.util.Map.of("country", "FR"))));

        assertThat(fr).isEqualTo(true);
    }

    @Test
    void examplesCoverEveryConstruct() throws Exception {
        List<SegmentDefinition> all = SegmentDefinitions.load(examples());

        StringBuilder kinds = new StringBuilder();
        all.forEach(d -> collect(d.condition(), kinds));

        for (String kind :
                List.of(
                        "All",
                        "Any",
                        "Not",
                        "Events:COUNT",
                        "Events:SUM",
                        "Events:MIN",
                        "Events:MAX",
                        "Events:AVG",
                        "Events:DISTINCT",
                        "Profile",
                        "Sequence",
                        "SegmentRef",
                        "lifetime")) {
            assertThat(kinds.toString()).as(kind).contains(kind + ";");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Each error kind, with file and line.

    @Test
    void reportsUnknownKeys() throws Exception {
        write(
                "bad.yaml",
                """
                id: a
                name: A
                colour: red
                condition:
                  events:
                    where: event.type == "x"
                    within: 1d
                    windw: 2d
                """);

        assertProblems(
                "bad.yaml:3: unknown key 'colour'", "bad.yaml:8: unknown key 'windw' in events");
    }

    @Test
    void reportsMissingFields() throws Exception {
        write(
                "bad.yaml",
                """
                - name: A
                  condition:
                    events:
                      where: event.type == "x"
                - id: b
                  name: B
                  condition:
                    events: {within: 1d, sum: event.properties.value}
                - id: c
                  name: C
                """);

        assertProblems(
                "bad.yaml:1: missing field 'id' in a definition",
                "bad.yaml:4: missing field 'within' in events",
                "bad.yaml:8: missing field 'value' in events",
                "bad.yaml:9: missing field 'condition' in a definition");
    }

    @Test
    void reportsBadIdWindowAndComparison() throws Exception {
        write(
                "bad.yaml",
                """
                id: Bad_Id
                name: A
                condition:
                  all:
                    - events: {within: 30x}
                    - events: {within: 0d}
                    - events: {within: 1d, count: "at least 1"}
                    - events: {within: 1d, count: 3}
                    - events: {within: 1d, max: event.properties.value, value: "=> 3"}
                """);

        assertProblems(
                "bad.yaml:1: bad id 'Bad_Id'",
                "bad.yaml:5: bad window '30x'",
                "bad.yaml:6: bad window '0d'",
                "bad.yaml:7: bad comparison 'at least 1'",
                "bad.yaml:8: bad comparison '3'",
                "bad.yaml:9: bad comparison '=> 3'");
    }

    @Test
    void reportsStructuralMistakes() throws Exception {
        write(
                "bad.yaml",
                """
                id: a
                name: A
                condition:
                  all:
                    - events: {within: 1d, sum: event.properties.value, avg: event.properties.value, value: "> 1"}
                    - events: {within: 1d, value: "> 1"}
                    - {profile: profile.x == 1, segment: b}
                    - sequence: {steps: [event.type == "x"], within: 1h}
                    - any: []
                """);

        assertProblems(
                "bad.yaml:5: events takes exactly one aggregate",
                "bad.yaml:6: value is the comparison",
                "bad.yaml:7: a condition has exactly one of",
                "bad.yaml:8: steps takes a list of at least two",
                "bad.yaml:9: any takes a non-empty list");
    }

    @Test
    void reportsCelThatDoesNotParseOrTypeCheck() throws Exception {
        write(
                "bad.yaml",
                """
                id: a
                name: A
                condition:
                  all:
                    - events: {where: event.type +, within: 1d}
                    - events: {where: profile.attributes.country == "FR", within: 1d}
                    - profile: event.type == "x"
                    - events: {within: 1d, sum: event.properties.value + "a" + 1, value: "> 0"}
                    - sequence:
                        steps:
                          - event.type == "a"
                          - nosuchfunction(event.type)
                        within: 1h
                    - profile: profile.attributes.tier
                    - profile: 1 + 2
                """);

        assertProblems(
                "bad.yaml:5: bad CEL in where: ",
                "bad.yaml:6: bad CEL in where: undeclared reference to 'profile'",
                "bad.yaml:7: bad CEL in profile: undeclared reference to 'event'",
                "bad.yaml:8: bad CEL in sum: ",
                "bad.yaml:12: bad CEL in steps: ",
                "bad.yaml:15: bad CEL in profile: ");
    }

    @Test
    void reportsDuplicateIdsAcrossFiles() throws Exception {
        write("a.yaml", "id: x\nname: X\ncondition: {events: {within: 1d}}\n");
        write("b.yaml", "# again\nid: x\nname: X2\ncondition: {events: {within: 2d}}\n");

        assertProblems(
                "b.yaml:2: duplicate id 'x' (first defined at " + dir.resolve("a.yaml") + ":1)");
    }

    @Test
    void reportsDuplicateKeysAndSyntaxErrors() throws Exception {
        write("dup.yaml", "id: x\nname: X\nid: y\ncondition: {events: {within: 1d}}\n");
        write("syntax.json", "{\"id\": \"z\",\n \"name\": }\n");

        assertProblems(
                "dup.yaml:3: duplicate key 'id' (first at line 1)", "syntax.json:2: syntax: ");
    }

    @Test
    void reportsUnknownSegmentReferences() throws Exception {
        write(
                "refs.yaml",
                "id: a\nname: A\ncondition:\n  any:\n    - segment: b\n    - segment: nope\n");
        write("b.yaml", "id: b\nname: B\ncondition: {events: {within: 1d}}\n");

        assertProblems("refs.yaml:6: unknown segment 'nope'");
    }

    @Test
    void reportsReferenceCyclesWithTheirPath() throws Exception {
        write("a.yaml", "id: a\nname: A\ncondition:\n  segment: b\n");
        write("b.yaml", "id: b\nname: B\ncondition:\n  not:\n    segment: c\n");
        write("c.yaml", "id: c\nname: C\ncondition:\n  all:\n    - segment: a\n");
        write("self.yaml", "id: self\nname: S\ncondition: {segment: self}\n");

        assertProblems(
                "c.yaml:5: reference cycle: a -> b -> c -> a",
                "self.yaml:3: reference cycle: self -> self");
    }

    @Test
    void refusesMissingPathsAndEmptyDirectories() throws Exception {
        assertThatThrownBy(() -> SegmentDefinitions.load(dir.resolve("missing.yaml")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> SegmentDefinitions.load(dir))
                .isInstanceOf(SegmentDefinitionException.class)
                .hasMessageContaining("no .yaml, .yml or .json files");
    }

    // ------------------------------------------------------------------------------------------

    private void assertProblems(String... prefixes) throws IOException {
        try {
            SegmentDefinitions.load(dir);
        } catch (SegmentDefinitionException e) {
            List<String> problems =
                    e.problems().stream()
                            .map(Object::toString)
                            .map(s -> s.substring(dir.toString().length() + 1))
                            .toList();
            assertThat(problems).hasSize(prefixes.length);
            for (int i = 0; i < prefixes.length; i++) {
                assertThat(problems.get(i)).startsWith(prefixes[i]);
            }
            return;
        }
        throw new AssertionError("expected problems " + List.of(prefixes));
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    private static SegmentDefinition byId(List<SegmentDefinition> defs, String id) {
        return defs.stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    private static void collect(Condition c, StringBuilder out) {
        out.append(c.getClass().getSimpleName());
        if (c instanceof Condition.Events e) {
            out.append(':').append(e.aggregate().function());
        }
        out.append(';');
        if (c instanceof Condition.Events e && e.within().isLifetime()
                || c instanceof Condition.Sequence s && s.within().isLifetime()) {
            out.append("lifetime;");
        }
        if (c instanceof Condition.All a) {
            a.conditions().forEach(x -> collect(x, out));
        } else if (c instanceof Condition.Any a) {
            a.conditions().forEach(x -> collect(x, out));
        } else if (c instanceof Condition.Not n) {
            collect(n.condition(), out);
        }
    }

    /** {@code examples/segments} at the repository root, wherever the build runs from. */
    static Path examples() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isDirectory(here.resolve("examples/segments"))) {
            here = here.getParent();
        }
        if (here == null) {
            throw new IllegalStateException("examples/segments not found above the working dir");
        }
        return here.resolve("examples/segments");
    }
}
