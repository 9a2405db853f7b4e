package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.conv4j.train.TrainerTest;
import org.junit.jupiter.api.Test;

/**
 * SnakeYAML Engine is an optional dependency of the core: with conv4j's classes on a class path that
 * lacks it, JSON specs still parse and a YAML spec fails with one FormatException naming the file and the
 * dependency to add, every time (never a NoClassDefFoundError).
 */
class YamlWithoutSnakeYamlTest {
    @Test
    void jsonSpecsWorkAndYamlSaysWhatToAdd() throws Exception {
        URL classes = Yaml.class.getProtectionDomain().getCodeSource().getLocation();
        assertTrue(Path.of(classes.toURI()).endsWith("classes"), "conv4j's own classes, not a jar with its dependencies: " + classes);
        try (URLClassLoader bare = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> bare.loadClass("org.snakeyaml.engine.v2.api.LoadSettings"));
            Class<?> syntax = bare.loadClass("org.conv4j.model.SpecSyntax");
            Object jsonSyntax = syntax.getField("JSON").get(null), yamlSyntax = syntax.getField("YAML").get(null);
            Method parse = bare.loadClass("org.conv4j.model.NetworkSpec").getMethod("parse", String.class, String.class, syntax);
            Object json = parse.invoke(null, TrainerTest.SPEC, "tiny.json", jsonSyntax);
            assertEquals("org.conv4j.model.NetworkSpec", json.getClass().getName());
            for (int attempt = 0; attempt < 2; attempt++) {
                InvocationTargetException e = assertThrows(InvocationTargetException.class,
                        () -> parse.invoke(null, TrainerTest.SPEC_YAML, "tiny.yaml", yamlSyntax));
                Throwable cause = e.getCause();
                assertEquals(FormatException.class.getName(), cause.getClass().getName(), String.valueOf(cause));
                assertEquals("tiny.yaml: reading YAML needs SnakeYAML Engine (org.snakeyaml:snakeyaml-engine) on the class path; "
                        + "add it as a dependency, or write the spec as JSON", cause.getMessage());
            }
        }
    }
}
