package io.rtprofile.local.segments;

import io.rtprofile.jobs.kafka.SegmentDefinitionsTopic;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionException;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionJson;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.local.definitions.DefinitionKind;
import io.rtprofile.local.definitions.DefinitionPublisher;
import io.rtprofile.local.definitions.InvalidDefinitionsException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/**
 * Adds, replaces and removes definitions on the compacted {@code segment-definitions} topic ({@code
 * rtprofile segments publish/remove/list}, the demo and the tests share it). Segments refer to
 * segments: nothing is written unless every definition being published would be in force, and
 * nothing is removed that a remaining definition still needs (unless forced).
 */
public final class SegmentPublisher extends DefinitionPublisher<SegmentDefinition> {

    /** Segment definitions: written as their JSON rendering, in force when what they name is. */
    public static final DefinitionKind<SegmentDefinition> SEGMENTS =
            new DefinitionKind<>() {
                @Override
                public String defaultTopic() {
                    return "segment-definitions";
                }

                @Override
                public List<SegmentDefinition> load(Path path, Set<String> known)
                        throws IOException, InvalidDefinitionsException {
                    try {
                        return SegmentDefinitions.load(path, known);
                    } catch (SegmentDefinitionException e) {
                        throw new InvalidDefinitionsException(e.problems(), e);
                    }
                }

                @Override
                public String id(SegmentDefinition definition) {
                    return definition.id();
                }

                @Override
                public String name(SegmentDefinition definition) {
                    return definition.name();
                }

                @Override
                public String render(SegmentDefinition definition) {
                    return SegmentDefinitionJson.render(definition);
                }

                @Override
                public String canonical(String id, String text) {
                    try {
                        List<SegmentDefinition> parsed =
                                SegmentDefinitions.parseStandalone(
                                        "segment-definitions/" + id, text);
                        return parsed.size() == 1
                                ? SegmentDefinitionJson.render(parsed.get(0))
                                : text;
                    } catch (SegmentDefinitionException e) {
                        return text;
                    }
                }

                @Override
                public boolean refersToOthers() {
                    return true;
                }

                @Override
                public Resolution resolve(Map<String, String> texts) {
                    SegmentCatalog.Resolution resolution = SegmentCatalog.resolve(texts);
                    Map<String, String> names = new TreeMap<>();
                    resolution
                            .active()
                            .forEach(d -> names.put(d.id(), d.name() == null ? "" : d.name()));
                    return new Resolution(names, resolution.refused());
                }

                @Override
                public Map<String, String> readAll(String bootstrapServers, String topic)
                        throws InterruptedException {
                    return SegmentDefinitionsTopic.readAll(bootstrapServers, topic);
                }

                @Override
                public void write(String bootstrapServers, String topic, Map<String, String> texts)
                        throws InterruptedException, ExecutionException {
                    SegmentDefinitionsTopic.publish(bootstrapServers, topic, texts);
                }
            };

    public SegmentPublisher(String bootstrapServers, String topic) {
        super(bootstrapServers, topic, SEGMENTS);
    }

    /** See {@link DefinitionPublisher#planPublication(DefinitionKind, Map, List)}. */
    public static Outcome planPublication(
            Map<String, String> current, List<SegmentDefinition> definitions) {
        return DefinitionPublisher.planPublication(SEGMENTS, current, definitions);
    }

    /** See {@link DefinitionPublisher#planRemoval(DefinitionKind, Map, List, boolean)}. */
    public static Outcome planRemoval(
            Map<String, String> current, List<String> ids, boolean force) {
        return DefinitionPublisher.planRemoval(SEGMENTS, current, ids, force);
    }
}
