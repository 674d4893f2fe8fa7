package io.rtprofile.local.models;

import io.rtprofile.jobs.kafka.ModelDefinitionsTopic;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.models.scoring.ActiveModels;
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
 * Adds, replaces and removes definitions on the compacted {@code model-definitions} topic ({@code
 * rtprofile models publish/remove/list}, the demo and the tests share it). A definition is written
 * as its canonical JSON ({@link ModelDefinition#source()}), so that publishing the same definition
 * again, in YAML or JSON, is recognised as unchanged and does not restart its learning: the trainer
 * starts a model afresh whenever its text changes.
 */
public final class ModelPublisher extends DefinitionPublisher<ModelDefinition> {

    /** Model definitions: each stands alone, checked in full when it is loaded. */
    public static final DefinitionKind<ModelDefinition> MODELS =
            new DefinitionKind<>() {
                @Override
                public String defaultTopic() {
                    return "model-definitions";
                }

                /** Models refer to no others: {@code known} does not matter. */
                @Override
                public List<ModelDefinition> load(Path path, Set<String> known)
                        throws IOException, InvalidDefinitionsException {
                    try {
                        return ModelDefinitions.load(path);
                    } catch (ModelDefinitionException e) {
                        throw new InvalidDefinitionsException(e.problems(), e);
                    }
                }

                @Override
                public String id(ModelDefinition definition) {
                    return definition.id();
                }

                @Override
                public String name(ModelDefinition definition) {
                    return definition.name();
                }

                @Override
                public String render(ModelDefinition definition) {
                    return definition.source();
                }

                @Override
                public String canonical(String id, String text) {
                    try {
                        return ModelDefinitions.parseOne("model-definitions/" + id, text).source();
                    } catch (ModelDefinitionException e) {
                        return text;
                    }
                }

                @Override
                public boolean refersToOthers() {
                    return false;
                }

                /**
                 * A model's refusal lists its problems a line each: here on one line, so that a
                 * listing keeps a line per model.
                 */
                @Override
                public Resolution resolve(Map<String, String> texts) {
                    ActiveModels.Resolution resolution = ActiveModels.resolve(texts);
                    Map<String, String> names = new TreeMap<>();
                    resolution
                            .models()
                            .models()
                            .forEach(m -> names.put(m.id(), m.definition().name()));
                    return new Resolution(
                            names,
                            resolution.refused().stream().map(r -> r.replace('\n', ' ')).toList());
                }

                @Override
                public Map<String, String> readAll(String bootstrapServers, String topic)
                        throws InterruptedException {
                    return ModelDefinitionsTopic.readAll(bootstrapServers, topic);
                }

                @Override
                public void write(String bootstrapServers, String topic, Map<String, String> texts)
                        throws InterruptedException, ExecutionException {
                    ModelDefinitionsTopic.publish(bootstrapServers, topic, texts);
                }
            };

    public ModelPublisher(String bootstrapServers, String topic) {
        super(bootstrapServers, topic, MODELS);
    }

    /** See {@link DefinitionPublisher#planPublication(DefinitionKind, Map, List)}. */
    public static Outcome planPublication(
            Map<String, String> current, List<ModelDefinition> definitions) {
        return DefinitionPublisher.planPublication(MODELS, current, definitions);
    }

    /** The removal of {@code ids}: a tombstone for each published one. */
    public static Outcome planRemoval(Map<String, String> current, List<String> ids) {
        return DefinitionPublisher.planRemoval(MODELS, current, ids, false);
    }
}
