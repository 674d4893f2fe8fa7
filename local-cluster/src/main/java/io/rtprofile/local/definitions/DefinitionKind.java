package io.rtprofile.local.definitions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * What differs between kinds of definitions (segments, models) for the tooling that validates them
 * and publishes them to their compacted topic ({@link DefinitionPublisher}, {@code rtprofile
 * segments} and {@code rtprofile models}): how they are loaded, rendered and resolved, and which
 * topic holds them. The rest is the same for every kind.
 *
 * @param <D> a parsed definition
 */
public interface DefinitionKind<D> {

    /**
     * The topic the jobs read by default: {@code segment-definitions}, {@code model-definitions}.
     */
    String defaultTopic();

    /** Loads and statically checks the definitions of a file or a directory of them. */
    List<D> load(Path path, Set<String> known) throws IOException, InvalidDefinitionsException;

    /** The id the definition is keyed by on the topic. */
    String id(D definition);

    /** Its name, null or empty when it has none. */
    String name(D definition);

    /**
     * The text written to the topic: canonical, so that publishing the same definition again, from
     * YAML or JSON, is recognised as unchanged (jobs start a definition afresh whenever its text
     * changes).
     */
    String render(D definition);

    /** A published text as this tool would have written it; itself when it does not parse. */
    String canonical(String id, String text);

    /**
     * Whether a definition can refer to others (segments name segments): then putting one in force
     * depends on what else is published, and a publication or removal that would leave a definition
     * out of force is refused. Definitions that stand alone need no such check.
     */
    boolean refersToOthers();

    /**
     * What jobs would make of {@code texts} (text by id): the definitions in force, and why not.
     */
    Resolution resolve(Map<String, String> texts);

    /** Reads the topic's current content: text by id. */
    Map<String, String> readAll(String bootstrapServers, String topic) throws InterruptedException;

    /** Writes texts by id (a null text is a tombstone), waiting for the acks. */
    void write(String bootstrapServers, String topic, Map<String, String> texts)
            throws InterruptedException, ExecutionException;

    /**
     * The definitions in force, name by id (an empty name when there is none), and the reasons for
     * the others, each reading "id: reason".
     */
    record Resolution(Map<String, String> names, List<String> refused) {

        /** The reason {@code id} is not in force ("id: reason"). */
        public String reason(String id) {
            for (String refusal : refused) {
                if (refusal.startsWith(id + ": ")) {
                    return refusal;
                }
            }
            return id + ": would not be in force";
        }
    }
}
