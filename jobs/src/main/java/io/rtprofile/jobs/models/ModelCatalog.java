package io.rtprofile.jobs.models;

import io.rtprofile.jobs.models.definition.ModelDefinition;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Model definitions by id, as text: those the job is started with ({@code --models}). Text, because
 * compiled CEL does not serialize; every operator compiles it again.
 */
public final class ModelCatalog implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, String> texts;

    private ModelCatalog(Map<String, String> texts) {
        this.texts = new TreeMap<>(texts);
    }

    public static ModelCatalog empty() {
        return new ModelCatalog(Map.of());
    }

    /** The catalog of already validated definitions. */
    public static ModelCatalog of(List<ModelDefinition> definitions) {
        Map<String, String> texts = new TreeMap<>();
        definitions.forEach(d -> texts.put(d.id(), d.source()));
        return new ModelCatalog(texts);
    }

    /**
     * This catalog with {@code changes} applied: a text replaces the definition of its id, a null
     * removes it. Texts are kept as given (a {@code model-definitions} record's value): the trainer
     * recognises a replayed record by its text.
     */
    public ModelCatalog with(Map<String, String> changes) {
        TreeMap<String, String> merged = new TreeMap<>(texts);
        changes.forEach(
                (id, text) -> {
                    if (text == null) {
                        merged.remove(id);
                    } else {
                        merged.put(id, text);
                    }
                });
        return new ModelCatalog(merged);
    }

    /** Definition text by model id. */
    public Map<String, String> texts() {
        return Collections.unmodifiableMap(texts);
    }

    public boolean isEmpty() {
        return texts.isEmpty();
    }
}
