package io.rtprofile.jobs.config;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md documents every option, so the reference cannot fall behind the code. */
class ConfigurationDocTest {

    @Test
    void everyOptionIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        List<String> keys = new ArrayList<>();
        for (Field field : RtProfileOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                keys.add(((ConfigOption<?>) field.get(null)).key());
            }
        }
        assertThat(keys).hasSizeGreaterThan(10);
        assertThat(keys).allSatisfy(key -> assertThat(doc).contains("`" + key + "`"));
    }
}
