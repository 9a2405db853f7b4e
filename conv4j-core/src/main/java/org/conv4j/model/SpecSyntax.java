package org.conv4j.model;

import java.util.Locale;
import org.conv4j.io.FormatException;
import org.conv4j.io.Json;
import org.conv4j.io.Yaml;

/**
 * The two ways to write a network spec file. Both parse to the same tree, which {@link NetworkSpec}
 * validates once, so a spec means the same whichever syntax it is written in. YAML is read by
 * {@link Yaml}, on SnakeYAML Engine, an optional dependency: without it a YAML spec fails with a message
 * saying what to add, and JSON specs are unaffected.
 */
public enum SpecSyntax {
    /** JSON, read by {@link Json}. */
    JSON,
    /** YAML, read by {@link Yaml}; needs SnakeYAML Engine. */
    YAML;

    /**
     * The syntax of a spec file: by its extension ({@code .yaml} or {@code .yml}, {@code .json}, any case);
     * with another extension, JSON when the first character other than white space is '{', else YAML.
     *
     * @param fileName the file's name
     * @param text     the file's text
     * @return the syntax
     */
    public static SpecSyntax of(String fileName, String text) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".yaml") || n.endsWith(".yml")) return YAML;
        if (n.endsWith(".json")) return JSON;
        // JSON's own reader gives the sharper messages for JSON; YAML would accept it too.
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\uFEFF' || Character.isWhitespace(c)) continue;
            return c == '{' ? JSON : YAML;
        }
        return YAML;
    }

    /**
     * Parses {@code text}, whose top level must be a mapping (object).
     *
     * @param text   the text
     * @param source named in every error
     * @param limits the size and nesting bounds
     * @return the top-level object
     * @throws FormatException naming the source if the text is malformed, exceeds the limits or is not a mapping
     */
    public Json.Obj parseObject(String text, String source, Json.Limits limits) throws FormatException {
        return this == JSON ? Json.parseObject(text, source, limits) : Yaml.parseObject(text, source, limits);
    }
}
