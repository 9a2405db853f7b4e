package org.conv4j.io;

import java.util.Map;

/**
 * Reads YAML 1.2 (conv4j's network specs) with SnakeYAML Engine into exactly the tree {@link Json#parse}
 * builds for the equivalent JSON, so everything that validates a JSON tree ({@link Json.Obj}) validates a
 * YAML one unchanged:
 * <ul>
 *   <li>mapping → {@code LinkedHashMap<String, Object>} (key order kept; a repeated key is an error; keys
 *       are the key's text, as JSON keys are strings)</li>
 *   <li>sequence → {@code List<Object>}; string → {@code String}; true/false → {@code Boolean}</li>
 *   <li>int or float → {@link Json.Num}, whose text is the literal when it is already a JSON number and its
 *       JSON spelling otherwise ({@code +5}, {@code 0x1F}, {@code .5}, {@code 1.} read as {@code 5},
 *       {@code 31}, {@code 0.5}, {@code 1.0})</li>
 *   <li>null, {@code ~} and an empty value → {@link Json#NULL}</li>
 * </ul>
 *
 * <p>Plain scalars follow the YAML 1.2 core schema ({@code yes}, {@code on} and {@code 1_000} are strings,
 * {@code 1e-3} is a float). Anchors and aliases work, within limits: at most
 * {@value SnakeYamlReader#MAX_ALIASES_FOR_COLLECTIONS} aliases to collections, none recursive, and every
 * value an alias repeats counts against {@link Json.Limits#maxValues}, so no "billion laughs" expansion
 * gets through. Refused with an error, never interpreted: tags other than the core schema's
 * ({@code !!python/object}, {@code !Conv2d}: no input chooses a type, let alone a class), merge keys
 * {@code <<}, collections as keys, {@code %TAG} directives, more than one document, {@code .inf} and
 * {@code .nan} (JSON has no such numbers).
 *
 * <p>Input is bounded as {@link Json}'s: at most {@link Json.Limits#maxChars} characters (also SnakeYAML's
 * code-point limit), {@link Json.Limits#maxDepth} levels of nesting (checked before any node is built) and
 * {@link Json.Limits#maxValues} values but never more than {@link #MAX_VALUES}. Every error is a {@link FormatException} naming the source, the
 * line and column, and what is wrong, e.g. {@code net.yaml: line 4, column 3: duplicate key "type"}.
 *
 * <p>SnakeYAML Engine is an optional dependency of conv4j's core: without it on the class path, parsing
 * YAML fails with a FormatException that says what to add, and JSON is unaffected.
 */
public final class Yaml {
    private Yaml() {}

    /**
     * Most values in one YAML document, whatever {@link Json.Limits#maxValues} allows: SnakeYAML builds a
     * few hundred bytes of tokens, events and marks per value, several times what the JSON reader does, so
     * a hostile file must be refused sooner to be refused as fast. A spec needs a few hundred values.
     */
    public static final int MAX_VALUES = 1 << 15;

    /** The dependency that reads YAML, as a user adds it. */
    static final String DEPENDENCY = "org.snakeyaml:snakeyaml-engine";

    /**
     * Parses YAML text into a tree of maps, lists, strings, {@link Json.Num}s, booleans and {@link Json#NULL},
     * within {@link Json.Limits#DEFAULT}.
     *
     * @param text   one YAML document
     * @param source the file or resource name that errors start with
     * @return the document's top-level value
     * @throws FormatException if the text is not valid YAML, goes beyond a limit, or SnakeYAML Engine is not on
     *                         the class path
     */
    public static Object parse(String text, String source) throws FormatException {
        return parse(text, source, Json.Limits.DEFAULT);
    }

    /**
     * Parses YAML text into a tree of maps, lists, strings, {@link Json.Num}s, booleans and {@link Json#NULL},
     * within the given limits (the value count capped at {@link #MAX_VALUES}).
     *
     * @param text   one YAML document
     * @param source the file or resource name that errors start with
     * @param limits the most characters, nesting depth and values accepted
     * @return the document's top-level value
     * @throws FormatException if the text is not valid YAML, goes beyond a limit, or SnakeYAML Engine is not on
     *                         the class path
     */
    public static Object parse(String text, String source, Json.Limits limits) throws FormatException {
        if (text.length() > limits.maxChars()) {
            throw new FormatException(source + ": YAML text has " + text.length() + " characters, more than the limit of "
                    + limits.maxChars());
        }
        Json.Limits bounded = new Json.Limits(limits.maxChars(), limits.maxDepth(), Math.min(limits.maxValues(), MAX_VALUES));
        try {
            return SnakeYamlReader.parse(text, source, bounded);
        } catch (NoClassDefFoundError e) {
            // SnakeYamlReader links against SnakeYAML Engine; only it fails when the jar is missing
            if (!String.valueOf(e.getMessage()).contains("org/snakeyaml") && !String.valueOf(e.getMessage()).contains("SnakeYamlReader")) {
                throw e;
            }
            throw new FormatException(source + ": reading YAML needs SnakeYAML Engine (" + DEPENDENCY + ") on the class path; "
                    + "add it as a dependency, or write the spec as JSON");
        }
    }

    /**
     * Parses text whose top level must be a mapping, wrapped for typed access with paths named from {@code source}.
     *
     * @param text   one YAML document
     * @param source the file or resource name that errors and {@link Json.Obj} paths start with
     * @return the mapping
     * @throws FormatException as {@link #parse(String, String)}, or if the top level is not a mapping
     */
    public static Json.Obj parseObject(String text, String source) throws FormatException {
        return parseObject(text, source, Json.Limits.DEFAULT);
    }

    /**
     * Parses text whose top level must be a mapping, within the given limits.
     *
     * @param text   one YAML document
     * @param source the file or resource name that errors and {@link Json.Obj} paths start with
     * @param limits the most characters, nesting depth and values accepted
     * @return the mapping, wrapped for typed access
     * @throws FormatException as {@link #parse(String, String, Json.Limits)}, or if the top level is not a mapping
     */
    public static Json.Obj parseObject(String text, String source, Json.Limits limits) throws FormatException {
        Object v = parse(text, source, limits);
        if (!(v instanceof Map<?, ?>)) {
            throw new FormatException(source + ": expected a YAML mapping (key: value lines) at the top level, got " + Json.kind(v));
        }
        return new Json.Obj(source, Json.castMap(v));
    }
}
