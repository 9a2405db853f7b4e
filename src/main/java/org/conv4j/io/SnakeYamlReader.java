package org.conv4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.DocumentStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * {@link Yaml}'s reader on SnakeYAML Engine, the one class that uses it: {@link Yaml} loads this class only
 * when it parses YAML, so that without snakeyaml-engine on the class path only YAML fails (with a message
 * saying what to add) and everything else works.
 *
 * <p>Three steps. (1) SnakeYAML's parser turns the text into events (iteratively, with its code-point
 * limit), and every event is checked as it comes, keeping none, before anything is built: nesting depth,
 * number of values, tags (only the core schema's), keys, aliases, one document. (2) Only then does
 * SnakeYAML parse the text again and compose the node graph, resolving plain scalars with the YAML 1.2
 * core schema and enforcing its alias limits (at most {@link #MAX_ALIASES_FOR_COLLECTIONS} aliases to
 * collections, no recursive keys); its recursion is safe because step 1 bounded the depth. Parsing twice
 * costs little on a spec and keeps a hostile file from holding millions of events in memory. (3) The nodes become the JSON tree, counting every value an alias
 * repeats, so neither nesting nor expansion can exceed {@link Json.Limits}. No node is ever turned into a
 * Java object of a type the input names: tags other than the core ones are refused in step 1.
 */
final class SnakeYamlReader {
    private SnakeYamlReader() {}

    /** Aliases to collections allowed in one document; the billion-laughs expansion needs far more. */
    static final int MAX_ALIASES_FOR_COLLECTIONS = 50;

    /** The tags a node may carry: the core schema's, written out ({@code !!int}) or resolved from plain text. */
    private static final Set<Tag> CORE_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);
    private static final Set<String> CORE_TAG_NAMES = Set.of("!", Tag.STR.getValue(), Tag.INT.getValue(), Tag.FLOAT.getValue(),
            Tag.BOOL.getValue(), Tag.NULL.getValue(), Tag.SEQ.getValue(), Tag.MAP.getValue());

    static Object parse(String text, String source, Json.Limits limits) throws FormatException {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setCodePointLimit(Math.max(1, limits.maxChars()))
                .setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS)
                .setAllowRecursiveKeys(false)
                .setAllowDuplicateKeys(false)
                .setAllowNonScalarKeys(false)
                .setSchema(new CoreSchema())
                .setParseComments(false)
                .setUseMarks(true)
                .build();
        Optional<Node> root;
        try {
            check(new Parse(settings).parseString(text), source, limits);
            root = new Compose(settings).composeString(text);
        } catch (ReaderException e) {
            throw new FormatException(at(source, text, e.getPosition()) + "control character " + codePoint(e.getCodePoint())
                    + " is not allowed in YAML text; quote it as an escape (\"\\x01\") if it is meant");
        } catch (MarkedYamlEngineException e) {
            throw new FormatException(describe(e, source));
        } catch (YamlEngineException e) {
            throw new FormatException(source + ": " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException | NoSuchElementException e) {
            // SnakeYAML's own checks on input it does not expect; still the input's fault
            throw new FormatException(source + ": malformed YAML (" + e.getMessage() + ")");
        }
        return root.isEmpty() ? Json.NULL : new Converter(source, limits).value(root.get(), 1);
    }

    /** An open list or mapping while the events are checked. */
    private static final class Open {
        final boolean mapping;
        final String anchor;
        boolean nextIsKey = true;

        Open(boolean mapping, String anchor) {
            this.mapping = mapping;
            this.anchor = anchor;
        }
    }

    /**
     * Step 1: every event, checked before the composer sees any: depth, count, tags, one document, keys
     * (text only, no merge key {@code <<}) and aliases (defined, not inside their own anchor, at most
     * {@link #MAX_ALIASES_FOR_COLLECTIONS} to collections; the composer checks that too, without saying where).
     */
    private static void check(Iterable<Event> parsed, String source, Json.Limits limits) throws FormatException {
        java.util.ArrayDeque<Open> open = new java.util.ArrayDeque<>();
        Set<String> collectionAnchors = new java.util.HashSet<>();
        int values = 0, documents = 0, collectionAliases = 0;
        for (Event e : parsed) {
            Event.ID id = e.getEventId();
            boolean node = id == Event.ID.Scalar || id == Event.ID.Alias || id == Event.ID.MappingStart || id == Event.ID.SequenceStart;
            if (node && !open.isEmpty() && open.peek().mapping) {
                Open m = open.peek();
                boolean key = m.nextIsKey;
                m.nextIsKey = !key;
                if (key && id != Event.ID.Scalar) {
                    throw error(source, e.getStartMark(), id == Event.ID.Alias ? "an alias (*) cannot be a key; write the key out"
                            : "only plain or quoted text can be a key, not a list or mapping");
                }
                if (key && e instanceof ScalarEvent k && k.isPlain() && k.getValue().equals("<<")) {
                    throw error(source, e.getStartMark(), "merge keys (<<) are not supported; write every key out");
                }
            }
            switch (id) {
                case DocumentStart -> {
                    if (++documents > 1) throw error(source, e.getStartMark(), "a second YAML document; a spec file holds one");
                    if (!((DocumentStartEvent) e).getTags().isEmpty()) {
                        throw error(source, e.getStartMark(), "only the %YAML directive is supported, not %TAG");
                    }
                }
                case Alias -> {
                    String name = ((AliasEvent) e).getAlias().getValue();
                    for (Open o : open) {
                        if (name.equals(o.anchor)) {
                            throw error(source, e.getStartMark(), "alias *" + name + " is inside the list or mapping it names (&"
                                    + name + "); a recursive structure has no end");
                        }
                    }
                    if (collectionAnchors.contains(name) && ++collectionAliases > MAX_ALIASES_FOR_COLLECTIONS) {
                        throw error(source, e.getStartMark(), "more than " + MAX_ALIASES_FOR_COLLECTIONS
                                + " aliases (*) to lists or mappings; write the repeated parts out");
                    }
                    values++;
                }
                case MappingStart, SequenceStart -> {
                    if (open.size() >= limits.maxDepth()) {
                        throw error(source, e.getStartMark(), "nesting deeper than " + limits.maxDepth() + " levels");
                    }
                    CollectionStartEvent c = (CollectionStartEvent) e;
                    checkTag(c.getTag(), e, source);
                    String anchor = c.getAnchor().map(a -> a.getValue()).orElse(null);
                    if (anchor != null) collectionAnchors.add(anchor);
                    open.push(new Open(id == Event.ID.MappingStart, anchor));
                    values++;
                }
                case MappingEnd, SequenceEnd -> open.pop();
                case Scalar -> {
                    checkTag(((ScalarEvent) e).getTag(), e, source);
                    values++;
                }
                default -> { }
            }
            if (values > limits.maxValues()) throw error(source, e.getStartMark(), "more than " + limits.maxValues() + " values");
        }
    }

    private static void checkTag(Optional<String> tag, Event e, String source) throws FormatException {
        if (tag.isPresent() && !CORE_TAG_NAMES.contains(tag.get())) {
            throw error(source, e.getStartMark(), "tags (!) other than the core schema's (!!str, !!int, !!float, !!bool, !!null, "
                    + "!!seq, !!map) are not supported, so no file chooses a type; got " + shortTag(tag.get()));
        }
    }

    private static String shortTag(String tag) {
        return tag.startsWith(Tag.PREFIX) ? "!!" + tag.substring(Tag.PREFIX.length()) : tag;
    }

    /** Step 3: nodes to the JSON tree, every alias's value counted each time it is used. */
    private static final class Converter {
        final String source;
        final int maxDepth, maxValues;
        int values;

        Converter(String source, Json.Limits limits) {
            this.source = source;
            this.maxDepth = limits.maxDepth();
            this.maxValues = limits.maxValues();
        }

        /** @param depth the nesting level {@code n} would be at, if it is a collection (the top level is 1) */
        Object value(Node n, int depth) throws FormatException {
            if (++values > maxValues) {
                throw error(source, n.getStartMark(), "more than " + maxValues + " values (each use of an alias counts all of its values)");
            }
            if (!CORE_TAGS.contains(n.getTag())) {
                throw error(source, n.getStartMark(), "tag " + shortTag(n.getTag().getValue()) + " is not supported");
            }
            if (n instanceof ScalarNode s) return scalar(s);
            if (depth > maxDepth) throw error(source, n.getStartMark(), "nesting deeper than " + maxDepth + " levels (counting aliases)");
            if (n instanceof SequenceNode q) {
                List<Object> list = new ArrayList<>(q.getValue().size());
                for (Node item : q.getValue()) list.add(value(item, depth + 1));
                return list;
            }
            MappingNode m = (MappingNode) n;
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw error(source, t.getKeyNode().getStartMark(), "only plain or quoted text can be a key, not a collection");
                }
                String key = k.getValue();
                if (k.isPlain() && key.equals("<<")) {
                    throw error(source, k.getStartMark(), "merge keys (<<) are not supported; write every key out");
                }
                if (map.containsKey(key)) throw error(source, k.getStartMark(), "duplicate key \"" + key + "\"");
                map.put(key, value(t.getValueNode(), depth + 1));
            }
            return map;
        }

        /** A scalar by its tag: the core schema's resolution of plain text, or the tag written on it. */
        Object scalar(ScalarNode s) throws FormatException {
            String text = s.getValue();
            Tag tag = s.getTag();
            if (tag.equals(Tag.STR)) return text;
            if (tag.equals(Tag.NULL)) return Json.NULL;
            if (tag.equals(Tag.BOOL)) {
                if (text.equalsIgnoreCase("true")) return Boolean.TRUE;
                if (text.equalsIgnoreCase("false")) return Boolean.FALSE;
                throw error(source, s.getStartMark(), "'" + text + "' is not a boolean (true or false)");
            }
            return Numbers.number(text, tag.equals(Tag.INT), source, s.getStartMark());
        }
    }

    /** Core-schema numbers as JSON numbers: the literal when JSON spells it so, else its JSON spelling. */
    static final class Numbers {
        private Numbers() {}

        static Json.Num number(String text, boolean integer, String source, Optional<Mark> mark) throws FormatException {
            String t = text.trim();
            switch (t) {
                case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN" ->
                        throw error(source, mark, t + " is not a finite number; conv4j files hold finite numbers only");
                default -> { }
            }
            if (t.length() > 64) throw error(source, mark, "number literal longer than 64 characters");
            int radix = t.startsWith("0o") ? 8 : t.startsWith("0x") ? 16 : 10;
            Shape shape = t.isEmpty() ? Shape.NONE : radix == 10 ? Shape.of(t) : Shape.digits(t, 2, radix);
            if (shape == Shape.NONE || (integer && shape == Shape.FLOAT)) {
                throw error(source, mark, "'" + text + "' is not " + (integer ? "an integer" : "a number"));
            }
            if (!integer) {
                Json.Num n = new Json.Num(jsonFloat(radix == 10 ? t : Long.toString(Long.parseLong(t.substring(2), radix))));
                if (!Double.isFinite(n.doubleValue())) throw error(source, mark, "number " + t + " is out of range");
                return n;
            }
            try {
                if (radix != 10) return new Json.Num(Long.toString(Long.parseLong(t.substring(2), radix)));
                String d = t.charAt(0) == '+' ? t.substring(1) : t;
                long v = Long.parseLong(d);
                int firstDigit = d.startsWith("-") ? 1 : 0;
                // keep JSON's spelling (so "-0" stays "-0" as in JSON); only leading zeros are respelt
                return new Json.Num(d.length() > firstDigit + 1 && d.charAt(firstDigit) == '0' ? Long.toString(v) : d);
            } catch (NumberFormatException e) {
                throw error(source, mark, "integer " + t + " does not fit in 64 bits");
            }
        }

        /** The core schema's number forms. */
        enum Shape {
            NONE, INT, FLOAT;

            /** {@code [-+]?[0-9]+} is INT; {@code [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?} is FLOAT. */
            static Shape of(String t) {
                int i = 0, n = t.length();
                if (t.charAt(0) == '-' || t.charAt(0) == '+') i++;
                int whole = 0;
                while (i < n && isDigit(t.charAt(i))) { i++; whole++; }
                if (i == n) return whole > 0 ? INT : NONE;
                int fraction = 0;
                if (t.charAt(i) == '.') {
                    i++;
                    while (i < n && isDigit(t.charAt(i))) { i++; fraction++; }
                }
                if (whole == 0 && fraction == 0) return NONE;
                if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
                    i++;
                    if (i < n && (t.charAt(i) == '-' || t.charAt(i) == '+')) i++;
                    int exponent = 0;
                    while (i < n && isDigit(t.charAt(i))) { i++; exponent++; }
                    if (exponent == 0) return NONE;
                }
                return i == n ? FLOAT : NONE;
            }

            /** INT when {@code t} holds at least one digit of {@code radix} from {@code from} on, else NONE. */
            static Shape digits(String t, int from, int radix) {
                if (t.length() <= from) return NONE;
                for (int i = from; i < t.length(); i++) if (Character.digit(t.charAt(i), radix) < 0) return NONE;
                return INT;
            }

            static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
        }

        /**
         * A YAML number literal spelt as a JSON float: no '+', no leading zeros, digits on both sides of '.',
         * and a '.0' on an integer literal (so an explicit !!float 3 stays a float). A JSON float comes back unchanged.
         */
        static String jsonFloat(String text) {
            StringBuilder b = new StringBuilder(text.length() + 2);
            int i = 0;
            if (text.charAt(0) == '-' || text.charAt(0) == '+') {
                if (text.charAt(0) == '-') b.append('-');
                i++;
            }
            int e = Math.max(text.indexOf('e'), text.indexOf('E'));
            int end = e < 0 ? text.length() : e;
            int dot = text.indexOf('.');
            int wholeEnd = dot < 0 ? end : dot;
            while (i < wholeEnd - 1 && text.charAt(i) == '0') i++; // leading zeros, keeping one digit
            b.append(i == wholeEnd ? "0" : text.substring(i, wholeEnd));
            if (dot >= 0) b.append('.').append(dot + 1 == end ? "0" : text.substring(dot + 1, end));
            else if (e < 0) b.append(".0");
            if (e >= 0) b.append(text, e, text.length());
            return b.toString();
        }
    }

    /** "source: line L, column C: problem (context at line L', column C')", from SnakeYAML's 0-based marks. */
    private static String describe(MarkedYamlEngineException e, String source) {
        Optional<Mark> where = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem().strip();
        if (problem.startsWith("found character '\\t(TAB)' that cannot start any token")) {
            problem = "tab character in indentation; YAML indents with spaces";
        }
        StringBuilder b = new StringBuilder(location(source, where)).append(problem);
        // "while scanning for the next token" says nothing a line and column do not
        if (e.getContext() != null && !e.getContext().isBlank() && !e.getContext().strip().equals("while scanning for the next token")) {
            b.append(" (").append(e.getContext().strip());
            if (e.getContextMark().isPresent() && e.getProblemMark().isPresent()) {
                Mark c = e.getContextMark().get();
                b.append(" at line ").append(c.getLine() + 1).append(", column ").append(c.getColumn() + 1);
            }
            b.append(')');
        }
        return b.toString();
    }

    static FormatException error(String source, Optional<Mark> mark, String problem) {
        return new FormatException(location(source, mark) + problem);
    }

    private static String location(String source, Optional<Mark> mark) {
        return mark.map(m -> source + ": line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse(source + ": ");
    }

    /** Line and column of the code point at {@code position} (SnakeYAML's reader counts code points). */
    private static String at(String source, String text, int position) {
        int line = 1, column = 1, cp = 0;
        for (int i = 0; i < text.length() && cp < position; i += Character.charCount(text.codePointAt(i)), cp++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return source + ": line " + line + ", column " + column + ": ";
    }

    private static String codePoint(int cp) { return String.format("U+%04X", cp); }
}
