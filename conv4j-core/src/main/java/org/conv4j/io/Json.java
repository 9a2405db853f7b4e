package org.conv4j.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small, strict JSON (RFC 8259) reader and writer for conv4j's own files: network specs and safetensors
 * headers. It builds plain values only, never objects chosen by the input:
 * <ul>
 *   <li>object → {@code LinkedHashMap<String, Object>} (key order kept; a repeated key is an error)</li>
 *   <li>array → {@code List<Object>}; string → {@code String}; true/false → {@code Boolean}</li>
 *   <li>number → {@link Num} (keeps its literal text, so a float written by {@link #write} reads back exactly)</li>
 *   <li>null → {@link #NULL}</li>
 * </ul>
 * Input is bounded: at most {@link Limits#maxChars} characters and {@link Limits#maxDepth} levels of nesting.
 * Every error is a {@link FormatException} naming the source, the line and column, and what was expected.
 * Typed access with errors that name the field's path goes through {@link Obj}.
 */
public final class Json {
    private Json() {}

    /** The JSON literal {@code null}. */
    public static final Object NULL = new Object() {
        @Override public String toString() { return "null"; }
    };

    /**
     * Bounds on what {@link #parse} accepts.
     *
     * @param maxChars  most characters of text
     * @param maxDepth  most levels of nested arrays and objects
     * @param maxValues most values (scalars, arrays and objects) in the whole document
     */
    public record Limits(int maxChars, int maxDepth, int maxValues) {
        /** 16 Mi characters, depth 64, 1 Mi values: far above any spec or safetensors header. */
        public static final Limits DEFAULT = new Limits(16 << 20, 64, 1 << 20);
    }

    /** A JSON number, kept as its literal text. */
    public static final class Num extends Number {
        private static final long serialVersionUID = 1L;
        /** The literal as written in the JSON text, e.g. {@code "-1.5e3"}. */
        private final String text;

        /**
         * A number with that literal; it is not checked here, the parser only passes valid JSON numbers.
         *
         * @param text a JSON number literal
         */
        public Num(String text) { this.text = text; }

        /** {@return true when the literal has no fraction and no exponent} */
        public boolean isIntegral() { return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0; }

        @Override public int intValue() { return (int) longValue(); }
        @Override public long longValue() { return isIntegral() ? Long.parseLong(text) : (long) doubleValue(); }
        @Override public float floatValue() { return Float.parseFloat(text); }
        @Override public double doubleValue() { return Double.parseDouble(text); }
        @Override public String toString() { return text; }
        @Override public boolean equals(Object o) { return o instanceof Num n && n.text.equals(text); }
        @Override public int hashCode() { return text.hashCode(); }
    }

    /**
     * Parses JSON text within {@link Limits#DEFAULT}.
     *
     * @param text   one JSON value
     * @param source the file or resource name that errors start with
     * @return the value: a map, list, string, {@link Num}, Boolean or {@link #NULL}
     * @throws FormatException if the text is not valid JSON, has trailing content or goes beyond a limit
     */
    public static Object parse(String text, String source) throws FormatException {
        return parse(text, source, Limits.DEFAULT);
    }

    /**
     * Parses JSON text within the given limits.
     *
     * @param text   one JSON value
     * @param source the file or resource name that errors start with
     * @param limits the most characters, nesting depth and values accepted
     * @return the value: a map, list, string, {@link Num}, Boolean or {@link #NULL}
     * @throws FormatException if the text is not valid JSON, has trailing content or goes beyond a limit
     */
    public static Object parse(String text, String source, Limits limits) throws FormatException {
        if (text.length() > limits.maxChars()) {
            throw new FormatException(source + ": JSON text has " + text.length() + " characters, more than the limit of "
                    + limits.maxChars());
        }
        Parser p = new Parser(text, source, limits.maxDepth(), limits.maxValues());
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos < text.length()) throw p.error("expected end of input after the top-level value");
        return v;
    }

    /**
     * Parses text whose top level must be an object, within {@link Limits#DEFAULT}.
     *
     * @param text   one JSON object
     * @param source the file or resource name that errors and {@link Obj} paths start with
     * @return the object, wrapped for typed access
     * @throws FormatException as {@link #parse(String, String)}, or if the top level is not an object
     */
    public static Obj parseObject(String text, String source) throws FormatException {
        return parseObject(text, source, Limits.DEFAULT);
    }

    /**
     * Parses text whose top level must be an object, within the given limits.
     *
     * @param text   one JSON object
     * @param source the file or resource name that errors and {@link Obj} paths start with
     * @param limits the most characters, nesting depth and values accepted
     * @return the object, wrapped for typed access
     * @throws FormatException as {@link #parse(String, String, Limits)}, or if the top level is not an object
     */
    public static Obj parseObject(String text, String source, Limits limits) throws FormatException {
        Object v = parse(text, source, limits);
        if (!(v instanceof Map<?, ?>)) throw new FormatException(source + ": expected a JSON object at the top level, got " + kind(v));
        return new Obj(source, castMap(v));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object v) { return (Map<String, Object>) v; }

    /**
     * A parsed object as a map (for callers that walk arrays of objects themselves).
     *
     * @param v a value from {@link #parse}
     * @return the same object, typed as a map
     * @throws IllegalArgumentException if {@code v} is not an object
     */
    public static Map<String, Object> castMapForTest(Object v) {
        if (!(v instanceof Map<?, ?>)) throw new IllegalArgumentException("expected a JSON object, got " + kind(v));
        return castMap(v);
    }

    /**
     * {@return the name of a value's JSON kind, for messages: "an object", "a string", "null", ...}
     *
     * @param v a value from {@link #parse}, or null
     */
    public static String kind(Object v) {
        if (v == NULL || v == null) return "null";
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?>) return "an array";
        if (v instanceof String) return "a string";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Number) return "a number";
        return v.getClass().getSimpleName();
    }

    private static final class Parser {
        final String s;
        final String source;
        final int maxDepth;
        final int maxValues;
        int pos;
        int values;

        Parser(String s, String source, int maxDepth, int maxValues) {
            this.s = s; this.source = source; this.maxDepth = maxDepth; this.maxValues = maxValues;
        }

        FormatException error(String what) {
            int line = 1, col = 1;
            for (int i = 0; i < pos && i < s.length(); i++) {
                if (s.charAt(i) == '\n') { line++; col = 1; } else col++;
            }
            return new FormatException(source + ": line " + line + ", column " + col + ": " + what);
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') pos++; else break;
            }
        }

        Object value(int depth) throws FormatException {
            if (pos >= s.length()) throw error("unexpected end of input, expected a value");
            if (++values > maxValues) throw error("more than " + maxValues + " values");
            char c = s.charAt(pos);
            switch (c) {
                case '{': return object(depth + 1);
                case '[': return array(depth + 1);
                case '"': return string();
                case 't': literal("true"); return Boolean.TRUE;
                case 'f': literal("false"); return Boolean.FALSE;
                case 'n': literal("null"); return NULL;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw error("unexpected character '" + printable(c) + "', expected a value");
            }
        }

        void literal(String word) throws FormatException {
            if (!s.startsWith(word, pos)) throw error("expected '" + word + "'");
            pos += word.length();
        }

        Map<String, Object> object(int depth) throws FormatException {
            if (depth > maxDepth) throw error("nesting deeper than " + maxDepth + " levels");
            pos++; // '{'
            Map<String, Object> m = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') { pos++; return m; }
            while (true) {
                skipSpace();
                if (peek() != '"') throw error("expected a string key in object");
                int keyPos = pos;
                String key = string();
                skipSpace();
                if (peek() != ':') throw error("expected ':' after key \"" + key + "\"");
                pos++;
                skipSpace();
                Object v = value(depth);
                if (m.put(key, v) != null) { pos = keyPos; throw error("duplicate key \"" + key + "\""); }
                skipSpace();
                char c = peek();
                if (c == ',') { pos++; continue; }
                if (c == '}') { pos++; return m; }
                throw error("expected ',' or '}' in object");
            }
        }

        List<Object> array(int depth) throws FormatException {
            if (depth > maxDepth) throw error("nesting deeper than " + maxDepth + " levels");
            pos++; // '['
            List<Object> a = new ArrayList<>();
            skipSpace();
            if (peek() == ']') { pos++; return a; }
            while (true) {
                skipSpace();
                a.add(value(depth));
                skipSpace();
                char c = peek();
                if (c == ',') { pos++; continue; }
                if (c == ']') { pos++; return a; }
                throw error("expected ',' or ']' in array");
            }
        }

        char peek() { return pos < s.length() ? s.charAt(pos) : '\0'; }

        String string() throws FormatException {
            pos++; // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return b.toString();
                if (c < 0x20) { pos--; throw error("control character U+" + String.format("%04X", (int) c) + " in string"); }
                if (c != '\\') { b.append(c); continue; }
                if (pos >= s.length()) throw error("unterminated escape in string");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case '/' -> b.append('/');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) throw error("truncated \\u escape");
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(s.charAt(pos + i), 16);
                            if (d < 0) throw error("bad hex digit in \\u escape");
                            v = v * 16 + d;
                        }
                        pos += 4;
                        b.append((char) v);
                    }
                    default -> { pos--; throw error("bad escape '\\" + printable(e) + "' in string"); }
                }
            }
        }

        Num number() throws FormatException {
            int start = pos;
            if (peek() == '-') pos++;
            if (peek() == '0') {
                pos++;
            } else if (peek() >= '1' && peek() <= '9') {
                while (peek() >= '0' && peek() <= '9') pos++;
            } else {
                throw error("expected a digit in number");
            }
            if (peek() == '.') {
                pos++;
                if (!(peek() >= '0' && peek() <= '9')) throw error("expected a digit after '.' in number");
                while (peek() >= '0' && peek() <= '9') pos++;
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') pos++;
                if (!(peek() >= '0' && peek() <= '9')) throw error("expected a digit in exponent");
                while (peek() >= '0' && peek() <= '9') pos++;
            }
            if (pos - start > 64) { pos = start; throw error("number literal longer than 64 characters"); }
            Num n = new Num(s.substring(start, pos));
            if (n.isIntegral()) {
                try {
                    Long.parseLong(n.text);
                } catch (NumberFormatException ex) {
                    pos = start;
                    throw error("integer " + n.text + " does not fit in 64 bits");
                }
            } else if (!Double.isFinite(n.doubleValue())) {
                pos = start;
                throw error("number " + n.text + " is out of range");
            }
            return n;
        }

        static String printable(char c) {
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : String.valueOf(c);
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * {@return compact JSON text for a tree of maps, lists, strings, numbers, booleans and {@link #NULL}}
     *
     * @param value the tree's root
     * @throws IllegalArgumentException if a float or double is NaN or infinite, or a value has no JSON form
     */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, -1, 0);
        return b.toString();
    }

    /**
     * {@return indented JSON text (2 spaces) ending in a newline; short arrays of scalars stay on one line}
     *
     * @param value the tree's root
     * @throws IllegalArgumentException if a float or double is NaN or infinite, or a value has no JSON form
     */
    public static String pretty(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 2, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int indent, int level) {
        if (v == null || v == NULL) {
            b.append("null");
        } else if (v instanceof String str) {
            quote(b, str);
        } else if (v instanceof Boolean bo) {
            b.append(bo);
        } else if (v instanceof Num n) {
            b.append(n.text);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            b.append(((Number) v).longValue());
        } else if (v instanceof Float f) {
            requireFinite(f);
            b.append(Float.toString(f));
        } else if (v instanceof Double d) {
            requireFinite(d);
            b.append(Double.toString(d));
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) b.append(',');
                first = false;
                newline(b, indent, level + 1);
                quote(b, String.valueOf(e.getKey()));
                b.append(indent >= 0 ? ": " : ":");
                write(b, e.getValue(), indent, level + 1);
            }
            if (!m.isEmpty()) newline(b, indent, level);
            b.append('}');
        } else if (v instanceof Collection<?> c) {
            boolean flat = c.stream().allMatch(x -> !(x instanceof Map<?, ?>) && !(x instanceof Collection<?>));
            b.append('[');
            boolean first = true;
            for (Object x : c) {
                if (!first) b.append(flat && indent >= 0 ? ", " : ",");
                first = false;
                if (!flat) newline(b, indent, level + 1);
                write(b, x, indent, level + 1);
            }
            if (!flat && !c.isEmpty()) newline(b, indent, level);
            b.append(']');
        } else if (v instanceof int[] a) {
            List<Object> l = new ArrayList<>();
            for (int x : a) l.add(x);
            write(b, l, indent, level);
        } else if (v instanceof long[] a) {
            List<Object> l = new ArrayList<>();
            for (long x : a) l.add(x);
            write(b, l, indent, level);
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void requireFinite(double d) {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("JSON has no representation for " + d);
    }

    private static void newline(StringBuilder b, int indent, int level) {
        if (indent < 0) return;
        b.append('\n');
        b.append(" ".repeat(indent * level));
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
                }
            }
        }
        b.append('"');
    }

    // ---------------------------------------------------------------- typed access

    /**
     * A JSON object with typed getters whose errors name the field's full path, e.g.
     * {@code spec.json: layers[3].kernel_size: expected an integer, got a string}.
     */
    public static final class Obj {
        private final String path;
        private final Map<String, Object> map;

        /**
         * Wraps a parsed object; the map is not copied.
         *
         * @param path the object's place, which error messages start with, e.g. {@code "spec.json: layers[3]"}
         * @param map  the object's fields, as {@link #parse} builds them
         */
        public Obj(String path, Map<String, Object> map) { this.path = path; this.map = map; }

        /** {@return the object's place, which error messages start with} */
        public String path() { return path; }

        /** {@return the fields, not copied} */
        public Map<String, Object> map() { return map; }

        /** {@return the field names, in the order of the text} */
        public Set<String> keys() { return map.keySet(); }

        /**
         * {@return true if the field is present and not null}
         *
         * @param key the field name
         */
        public boolean has(String key) { return map.containsKey(key) && map.get(key) != NULL; }

        private String where(String key) { return path + "." + key; }

        /**
         * An error about one field, for checks a caller makes beyond the type.
         *
         * @param key  the field name
         * @param what what is wrong
         * @return an exception whose message starts with the field's full path
         */
        public FormatException error(String key, String what) { return new FormatException(where(key) + ": " + what); }

        private Object need(String key) throws FormatException {
            Object v = map.get(key);
            if (v == null) throw new FormatException(path + ": missing field \"" + key + "\"");
            return v;
        }

        /**
         * Fails on any key not in {@code allowed}, so a misspelt field is an error rather than ignored.
         *
         * @param allowed the field names this object may have
         * @throws FormatException naming the first unknown field and the allowed ones
         */
        public void allowOnly(Collection<String> allowed) throws FormatException {
            for (String k : map.keySet()) {
                if (!allowed.contains(k)) {
                    throw new FormatException(path + ": unknown field \"" + k + "\"; expected one of " + allowed);
                }
            }
        }

        /**
         * {@return the field as a string}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not a string
         */
        public String str(String key) throws FormatException {
            Object v = need(key);
            if (!(v instanceof String s)) throw error(key, "expected a string, got " + kind(v));
            return s;
        }

        /**
         * {@return the field as a string, or {@code def} if it is missing or null}
         *
         * @param key the field name
         * @param def the value when the field is absent
         * @throws FormatException if the field is present but not a string
         */
        public String str(String key, String def) throws FormatException { return has(key) ? str(key) : def; }

        /**
         * {@return the field as a long}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not an integral number
         */
        public long longValue(String key) throws FormatException {
            Object v = need(key);
            if (!(v instanceof Num n) || !n.isIntegral()) throw error(key, "expected an integer, got " + describe(v));
            return n.longValue();
        }

        /**
         * {@return the field as an int}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not an integral number or out of int range
         */
        public int integer(String key) throws FormatException {
            long v = longValue(key);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw error(key, "integer " + v + " is out of range");
            return (int) v;
        }

        /**
         * {@return the field as an int, or {@code def} if it is missing or null}
         *
         * @param key the field name
         * @param def the value when the field is absent
         * @throws FormatException if the field is present but not an integral number or out of int range
         */
        public int integer(String key, int def) throws FormatException { return has(key) ? integer(key) : def; }

        /**
         * {@return the field as a double}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not a number
         */
        public double number(String key) throws FormatException {
            Object v = need(key);
            if (!(v instanceof Num n)) throw error(key, "expected a number, got " + describe(v));
            return n.doubleValue();
        }

        /**
         * {@return the field as a double, or {@code def} if it is missing or null}
         *
         * @param key the field name
         * @param def the value when the field is absent
         * @throws FormatException if the field is present but not a number
         */
        public double number(String key, double def) throws FormatException { return has(key) ? number(key) : def; }

        /**
         * {@return the field as a finite float}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not a number or out of float range
         */
        public float float32(String key) throws FormatException {
            Object v = need(key);
            if (!(v instanceof Num n)) throw error(key, "expected a number, got " + describe(v));
            float f = n.floatValue();
            if (!Float.isFinite(f)) throw error(key, "number " + n + " is out of float range");
            return f;
        }

        /**
         * {@return the field as a finite float, or {@code def} if it is missing or null}
         *
         * @param key the field name
         * @param def the value when the field is absent
         * @throws FormatException if the field is present but not a number or out of float range
         */
        public float float32(String key, float def) throws FormatException { return has(key) ? float32(key) : def; }

        /**
         * {@return the field as a boolean}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not true or false
         */
        public boolean bool(String key) throws FormatException {
            Object v = need(key);
            if (!(v instanceof Boolean b)) throw error(key, "expected true or false, got " + describe(v));
            return b;
        }

        /**
         * {@return the field as a boolean, or {@code def} if it is missing or null}
         *
         * @param key the field name
         * @param def the value when the field is absent
         * @throws FormatException if the field is present but not true or false
         */
        public boolean bool(String key, boolean def) throws FormatException { return has(key) ? bool(key) : def; }

        /**
         * {@return the field as an object whose path extends this one's}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not an object
         */
        public Obj obj(String key) throws FormatException {
            Object v = need(key);
            if (!(v instanceof Map<?, ?>)) throw error(key, "expected an object, got " + kind(v));
            return new Obj(where(key), castMap(v));
        }

        /**
         * {@return the field as a list, not copied}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not an array
         */
        public List<Object> array(String key) throws FormatException {
            Object v = need(key);
            if (!(v instanceof List<?> l)) throw error(key, "expected an array, got " + kind(v));
            @SuppressWarnings("unchecked") List<Object> r = (List<Object>) l;
            return r;
        }

        /**
         * {@return an array of objects, each wrapped with its own path ({@code key[i]})}
         *
         * @param key the field name
         * @throws FormatException if the field is missing, not an array, or holds something other than objects
         */
        public List<Obj> objects(String key) throws FormatException {
            List<Object> a = array(key);
            List<Obj> r = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                Object v = a.get(i);
                if (!(v instanceof Map<?, ?>)) throw new FormatException(where(key) + "[" + i + "]: expected an object, got " + kind(v));
                r.add(new Obj(where(key) + "[" + i + "]", castMap(v)));
            }
            return r;
        }

        /**
         * {@return the field as an array of longs}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not an array of integral numbers
         */
        public long[] longArray(String key) throws FormatException {
            List<Object> a = array(key);
            long[] r = new long[a.size()];
            for (int i = 0; i < r.length; i++) {
                Object v = a.get(i);
                if (!(v instanceof Num n) || !n.isIntegral()) {
                    throw new FormatException(where(key) + "[" + i + "]: expected an integer, got " + describe(v));
                }
                r[i] = n.longValue();
            }
            return r;
        }

        /**
         * {@return the field as an array of ints}
         *
         * @param key the field name
         * @throws FormatException if the field is missing or not an array of integral numbers in int range
         */
        public int[] intArray(String key) throws FormatException {
            long[] l = longArray(key);
            int[] r = new int[l.length];
            for (int i = 0; i < r.length; i++) {
                if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                    throw new FormatException(where(key) + "[" + i + "]: integer " + l[i] + " is out of range");
                }
                r[i] = (int) l[i];
            }
            return r;
        }

        /**
         * {@return an integer or a pair of integers as a pair (torch style {@code kernel_size: 3} or {@code [3, 5]})}
         *
         * @param key the field name
         * @throws FormatException if the field is missing, or neither an integer nor an array of two integers
         */
        public int[] intOrPair(String key) throws FormatException {
            Object v = need(key);
            if (v instanceof Num) { int x = integer(key); return new int[] {x, x}; }
            int[] a = intArray(key);
            if (a.length != 2) throw error(key, "expected an integer or a pair of integers, got " + a.length + " values");
            return a;
        }

        private static String describe(Object v) { return v instanceof Num n ? "the number " + n : kind(v); }
    }
}
