package org.conv4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict reader for a safe subset of YAML 1.2, written for conv4j's own files (network specs).
 * It builds exactly the tree {@link Json#parse} builds for the equivalent JSON, so everything that
 * validates a JSON tree ({@link Json.Obj}) validates a YAML one unchanged:
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
 * <p>Supported: block mappings and sequences (including {@code - key: value} entries and a list at its
 * key's indentation), flow collections {@code [1, 28, 28]} and {@code {type: ReLU}} (which may span lines),
 * plain, single- and double-quoted scalars (with YAML's escapes), comments, one document with an optional
 * {@code ---} start, {@code ...} end and {@code %YAML} directive, and the YAML 1.2 core schema for plain
 * scalars (so {@code yes}, {@code on} and {@code 1_000} are strings, {@code 1e-3} is a float).
 *
 * <p>Refused with an error, never interpreted: anchors {@code &}, aliases {@code *} and merge keys
 * {@code <<} (so no "billion laughs" expansion is possible), tags {@code !} (so no input chooses a type, let
 * alone a class), complex keys {@code ?}, block scalars {@code |} and {@code >}, scalars continued on
 * another line, tabs in indentation, more than one document, {@code .inf} and {@code .nan} (JSON has no
 * such numbers).
 *
 * <p>Input is bounded as {@link Json}'s: at most {@link Json.Limits#maxChars} characters,
 * {@link Json.Limits#maxDepth} levels of nesting and {@link Json.Limits#maxValues} nodes. Every error is a
 * {@link FormatException} naming the source, the line and column, and what was expected, e.g.
 * {@code net.yaml: line 4, column 3: tab character in indentation; YAML indents with spaces}.
 */
public final class Yaml {
    private Yaml() {}

    /** Parses YAML text into a tree of maps, lists, strings, {@link Json.Num}s, booleans and {@link Json#NULL}. */
    public static Object parse(String text, String source) throws FormatException {
        return parse(text, source, Json.Limits.DEFAULT);
    }

    public static Object parse(String text, String source, Json.Limits limits) throws FormatException {
        if (text.length() > limits.maxChars()) {
            throw new FormatException(source + ": YAML text has " + text.length() + " characters, more than the limit of "
                    + limits.maxChars());
        }
        return new Parser(normaliseBreaks(text), source, limits.maxDepth(), limits.maxValues()).document();
    }

    /** Parses text whose top level must be a mapping, wrapped for typed access with paths named from {@code source}. */
    public static Json.Obj parseObject(String text, String source) throws FormatException {
        return parseObject(text, source, Json.Limits.DEFAULT);
    }

    public static Json.Obj parseObject(String text, String source, Json.Limits limits) throws FormatException {
        Object v = parse(text, source, limits);
        if (!(v instanceof Map<?, ?>)) {
            throw new FormatException(source + ": expected a YAML mapping (key: value lines) at the top level, got " + Json.kind(v));
        }
        return new Json.Obj(source, Json.castMap(v));
    }

    /** CR LF and lone CR become LF (both are line breaks in YAML); a leading byte-order mark is dropped. */
    private static String normaliseBreaks(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return t.indexOf('\r') < 0 ? t : t.replace("\r\n", "\n").replace('\r', '\n');
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

        // ------------------------------------------------------------ positions and errors

        FormatException error(int at, String what) {
            int line = 1, col = 1;
            for (int i = 0; i < at && i < s.length(); i++) {
                if (s.charAt(i) == '\n') { line++; col = 1; } else col++;
            }
            return new FormatException(source + ": line " + line + ", column " + col + ": " + what);
        }

        FormatException error(String what) { return error(pos, what); }

        char peek() { return pos < s.length() ? s.charAt(pos) : '\0'; }

        char at(int i) { return i < s.length() ? s.charAt(i) : '\0'; }

        boolean eof() { return pos >= s.length(); }

        /** 0-based column of {@code pos}. */
        int col() {
            int i = pos;
            while (i > 0 && s.charAt(i - 1) != '\n') i--;
            return pos - i;
        }

        static boolean blank(char c) { return c == ' ' || c == '\t'; }

        /** Space, tab, line break or end of input: what must follow a ':' or '-' indicator. */
        static boolean blankOrEnd(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\0'; }

        static boolean flowIndicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

        void countNode() throws FormatException {
            if (++values > maxValues) throw error("more than " + maxValues + " values");
        }

        void checkDepth(int depth) throws FormatException {
            if (depth > maxDepth) throw error("nesting deeper than " + maxDepth + " levels");
        }

        /** Characters YAML does not allow anywhere (c-printable), found before parsing so every later step can ignore them. */
        void checkPrintable() throws FormatException {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean bad = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F || (c >= 0x80 && c <= 0x9F && c != 0x85)
                        || c == '\uFFFE' || c == '\uFFFF';
                if (bad) throw error(i, "control character U+" + String.format("%04X", (int) c) + " is not allowed in YAML");
            }
        }

        // ------------------------------------------------------------ lines

        /**
         * From the start of a line (or the end of the previous line's content), skips blank and comment-only
         * lines and the next content line's indentation. Afterwards {@code pos} is at that line's first
         * character of content, or at the end of input. A tab in the indentation of a content line is an error.
         */
        void skipToContent() throws FormatException {
            while (pos < s.length()) {
                if (peek() == '\n') { pos++; continue; }
                int lineStart = pos;
                int tab = -1;
                while (blank(peek())) {
                    if (peek() == '\t' && tab < 0) tab = pos;
                    pos++;
                }
                char c = peek();
                if (c == '\n') { pos++; continue; }
                if (c == '\0') return;
                if (c == '#') { skipComment(); continue; }
                if (tab >= 0 && (lineStart == 0 || s.charAt(lineStart - 1) == '\n')) {
                    throw error(tab, "tab character in indentation; YAML indents with spaces");
                }
                return;
            }
        }

        void skipComment() {
            while (pos < s.length() && s.charAt(pos) != '\n') pos++;
        }

        /** After a value: optional blanks and a comment, then the line break (consumed) or the end of input. */
        void endOfLine(String after) throws FormatException {
            while (blank(peek())) pos++;
            char c = peek();
            if (c == '#') {
                if (pos > 0 && !blankOrEnd(s.charAt(pos - 1))) throw error("a comment needs a space before its '#'");
                skipComment();
                c = peek();
            }
            if (c == '\n') { pos++; return; }
            if (c == '\0') return;
            if (c == ':' && blankOrEnd(at(pos + 1))) {
                throw error("unexpected ':' after " + after + "; a nested mapping goes on the lines below its key, "
                        + "indented, and only plain or quoted text can be a key");
            }
            throw error("unexpected text after " + after + "; expected the end of the line");
        }

        /** True at a "---" or "..." line (column 0, followed by a blank or the end of the line). */
        boolean atDocumentMarker() {
            if (col() != 0) return false;
            return (s.startsWith("---", pos) || s.startsWith("...", pos)) && blankOrEnd(at(pos + 3));
        }

        // ------------------------------------------------------------ document

        Object document() throws FormatException {
            checkPrintable();
            boolean directives = false;
            skipToContent();
            while (!eof() && col() == 0 && peek() == '%') {
                if (!s.startsWith("%YAML", pos) || !blank(at(pos + 5))) {
                    throw error("only the %YAML directive is supported (tags and %TAG are not)");
                }
                skipComment();
                directives = true;
                skipToContent();
            }
            if (!eof() && atDocumentMarker() && s.startsWith("---", pos)) {
                pos += 3;
                endOfLine("'---' (put the document's content on the lines after it)");
                skipToContent();
            } else if (directives) {
                throw error("expected '---' after the %YAML directive");
            }
            Object root = eof() || atDocumentMarker() ? emptyValue() : nodeHere(col(), 0);
            if (!eof() && atDocumentMarker() && s.startsWith("...", pos)) {
                pos += 3;
                endOfLine("'...'");
                skipToContent();
            }
            if (!eof()) {
                if (atDocumentMarker()) throw error("a second YAML document; a conv4j file holds exactly one");
                throw error("unexpected content after the end of the document's top-level value (check its indentation)");
            }
            return root;
        }

        Object emptyValue() throws FormatException {
            countNode();
            return Json.NULL;
        }

        // ------------------------------------------------------------ block structure

        /**
         * The node that starts at {@code pos}, the first content of a line or the text after "- ", at column
         * {@code indent}: a block sequence, a block mapping, or a single flow or scalar value. Leaves
         * {@code pos} at the first content of the line after the node (see {@link #skipToContent}).
         */
        Object nodeHere(int indent, int depth) throws FormatException {
            if (peek() == '-' && blankOrEnd(at(pos + 1))) return blockSequence(indent, depth + 1);
            if (keyColon(pos) >= 0) return blockMapping(indent, depth + 1);
            Object v = inlineValue(depth);
            endOfLine("the value");
            skipToContent();
            return v;
        }

        /**
         * The value of "key:" or "-" whose line ends there: a node on the following, more indented lines,
         * or, after a key, a block sequence at the key's own indentation; else empty (null).
         */
        Object nodeBelow(int parentIndent, boolean sequenceMayShareIndent, int depth) throws FormatException {
            if (eof() || atDocumentMarker()) return emptyValue();
            int c = col();
            if (c > parentIndent) return nodeHere(c, depth);
            if (sequenceMayShareIndent && c == parentIndent && peek() == '-' && blankOrEnd(at(pos + 1))) {
                return blockSequence(c, depth + 1);
            }
            return emptyValue();
        }

        List<Object> blockSequence(int indent, int depth) throws FormatException {
            checkDepth(depth);
            countNode();
            List<Object> list = new ArrayList<>();
            while (true) {
                // pos is at a "-" entry at column indent
                pos++;
                while (peek() == ' ') pos++;
                if (peek() == '\t') throw error("tab after '-'; separate a list entry from its value with spaces");
                if (peek() == '#' || peek() == '\n' || peek() == '\0') {
                    endOfLine("'-'");
                    skipToContent();
                    list.add(nodeBelow(indent, false, depth));
                } else {
                    list.add(nodeHere(col(), depth));
                }
                if (eof() || atDocumentMarker()) return list;
                int c = col();
                if (c < indent) return list;
                if (c > indent) throw badIndentation(indent);
                if (!(peek() == '-' && blankOrEnd(at(pos + 1)))) return list; // a key of the mapping this list is the value of
            }
        }

        Map<String, Object> blockMapping(int indent, int depth) throws FormatException {
            checkDepth(depth);
            countNode();
            Map<String, Object> map = new LinkedHashMap<>();
            while (true) {
                // pos is at a key at column indent
                int keyPos = pos;
                if (keyColon(pos) < 0) {
                    throw error("expected 'key: value' at this indentation (a ':' must be followed by a space)");
                }
                String key = key();
                while (blank(peek())) pos++;
                pos++; // ':'
                while (blank(peek())) pos++;
                Object value;
                if (peek() == '#' || peek() == '\n' || peek() == '\0') {
                    endOfLine("'" + key + ":'");
                    skipToContent();
                    value = nodeBelow(indent, true, depth);
                } else {
                    if (peek() == '-' && blankOrEnd(at(pos + 1))) {
                        throw error("a list cannot start on its key's line; put '- ' entries on the lines after '" + key + ":'");
                    }
                    value = inlineValue(depth);
                    endOfLine("the value of '" + key + "'");
                    skipToContent();
                }
                if (map.containsKey(key)) throw error(keyPos, "duplicate key \"" + key + "\"");
                map.put(key, value);
                if (eof() || atDocumentMarker()) return map;
                int c = col();
                if (c < indent) return map;
                if (c > indent) throw badIndentation(indent);
                if (peek() == '-' && blankOrEnd(at(pos + 1))) return map; // the next entry of a list at this indentation
            }
        }

        FormatException badIndentation(int indent) {
            return error("bad indentation: this line is indented more than the entries above it (column " + (indent + 1)
                    + ") but nothing there takes a nested value; a value cannot continue on another line");
        }

        /**
         * If a block mapping key starts at {@code i} on this line, the position of its ':' indicator, else -1.
         * Looks ahead only; errors in the key are reported when it is read.
         */
        int keyColon(int i) {
            char c = at(i);
            if (c == '[' || c == '{') return -1;
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '\n') {
                    char d = s.charAt(j);
                    if (c == '"' && d == '\\') { j += 2; continue; }
                    if (d == c) {
                        if (c == '\'' && at(j + 1) == '\'') { j += 2; continue; }
                        break;
                    }
                    j++;
                }
                if (at(j) != c) return -1;
                j++;
                while (blank(at(j))) j++;
                return at(j) == ':' && blankOrEnd(at(j + 1)) ? j : -1;
            }
            for (int j = i; j < s.length(); j++) {
                char d = s.charAt(j);
                if (d == '\n') return -1;
                if (d == ':' && blankOrEnd(at(j + 1))) return j;
                if (d == '#' && j > i && blank(s.charAt(j - 1))) return -1;
            }
            return -1;
        }

        /** A block mapping key at {@code pos} (known to be followed by ": "); leaves {@code pos} after the key text. */
        String key() throws FormatException {
            char c = peek();
            if (c == '"') return doubleQuoted();
            if (c == '\'') return singleQuoted();
            int start = pos;
            rejectIndicator(false);
            int colon = keyColon(pos);
            String key = s.substring(start, colon).strip();
            if (key.isEmpty()) throw error("empty key before ':'");
            if (key.equals("<<")) throw error(start, "merge keys (<<) are not supported; write every key out");
            pos = start + s.substring(start, colon).stripTrailing().length();
            return key;
        }

        // ------------------------------------------------------------ values on one line

        /** A flow collection or a scalar starting at {@code pos}, in block context. */
        Object inlineValue(int depth) throws FormatException {
            return node(depth, false);
        }

        /** A value inside a [ ] or { } collection, where ',' ']' '}' end a plain scalar. */
        Object flowNode(int depth) throws FormatException {
            return node(depth, true);
        }

        private Object node(int depth, boolean flow) throws FormatException {
            char c = peek();
            if (c == '[') return flowSequence(depth + 1);
            if (c == '{') return flowMapping(depth + 1);
            countNode();
            if (c == '"') return doubleQuoted();
            if (c == '\'') return singleQuoted();
            return resolve(plain(flow));
        }

        /**
         * Refuses a scalar that starts with an indicator YAML gives a meaning this reader does not support,
         * or that cannot start a value here.
         */
        void rejectIndicator(boolean flow) throws FormatException {
            char c = peek(), next = at(pos + 1);
            switch (c) {
                case '&' -> throw error("anchors (&) are not supported; write the value out");
                case '*' -> throw error("aliases (*) are not supported; write the value out");
                case '!' -> throw error("tags (!) are not supported; conv4j decides every value's type itself");
                case '|', '>' -> throw error("block scalars (" + c + ") are not supported; write the text on one line, quoted if need be");
                case '%' -> throw error("'%' cannot start a value; quote it");
                case '@', '`' -> throw error("'" + c + "' is reserved in YAML and cannot start a value; quote it");
                case ',', ']', '}' -> throw error("unexpected '" + c + "'" + (flow ? ", expected a value" : "; quote a value that starts with it"));
                case '#' -> throw error("expected a value, found a comment");
                case '?' -> {
                    if (blankOrEnd(next) || (flow && flowIndicator(next))) throw error("complex keys ('? ') are not supported");
                }
                case ':' -> {
                    if (blankOrEnd(next) || (flow && flowIndicator(next))) throw error("unexpected ':'; expected a value or a key");
                }
                case '-' -> {
                    if (blankOrEnd(next) || (flow && flowIndicator(next))) {
                        throw error(flow ? "a '- ' list entry inside a flow collection; separate items with ','"
                                : "unexpected '- ' list entry here");
                    }
                }
                default -> { }
            }
        }

        /** The text of a plain scalar at {@code pos}, trailing blanks removed; in flow context it also ends at ,[]{}. */
        String plain(boolean flow) throws FormatException {
            rejectIndicator(flow);
            int start = pos;
            int end = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\n') break;
                if (c == ':' && (blankOrEnd(at(pos + 1)) || (flow && flowIndicator(at(pos + 1))))) break;
                if (c == '#' && pos > start && blank(s.charAt(pos - 1))) break;
                if (flow && flowIndicator(c)) break;
                pos++;
                if (!blank(c)) end = pos;
            }
            pos = end;
            return s.substring(start, end);
        }

        String doubleQuoted() throws FormatException {
            int open = pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = peek();
                if (c == '\0' || c == '\n') throw unterminated(open, "double");
                pos++;
                if (c == '"') return b.toString();
                if (c != '\\') { b.append(c); continue; }
                int esc = pos - 1;
                char e = peek();
                if (e == '\0' || e == '\n') throw unterminated(open, "double");
                pos++;
                switch (e) {
                    case '0' -> b.append('\0');
                    case 'a' -> b.append('\u0007');
                    case 'b' -> b.append('\b');
                    case 't', '\t' -> b.append('\t');
                    case 'n' -> b.append('\n');
                    case 'v' -> b.append('\u000B');
                    case 'f' -> b.append('\f');
                    case 'r' -> b.append('\r');
                    case 'e' -> b.append('\u001B');
                    case ' ' -> b.append(' ');
                    case '"' -> b.append('"');
                    case '/' -> b.append('/');
                    case '\\' -> b.append('\\');
                    case 'N' -> b.append('\u0085');
                    case '_' -> b.append('\u00A0');
                    case 'L' -> b.append('\u2028');
                    case 'P' -> b.append('\u2029');
                    case 'x' -> b.appendCodePoint(hex(esc, 2));
                    case 'u' -> b.appendCodePoint(hex(esc, 4));
                    case 'U' -> b.appendCodePoint(hex(esc, 8));
                    default -> throw error(esc, "unknown escape '\\" + printable(e) + "' in a double-quoted string");
                }
            }
        }

        int hex(int esc, int digits) throws FormatException {
            long v = 0;
            for (int i = 0; i < digits; i++) {
                int d = Character.digit(at(pos), 16);
                if (d < 0) throw error(esc, "escape '\\" + s.charAt(esc + 1) + "' needs " + digits + " hex digits");
                v = v * 16 + d;
                pos++;
            }
            if (v > Character.MAX_CODE_POINT) throw error(esc, "escape names U+" + Long.toHexString(v).toUpperCase() + ", beyond Unicode");
            return (int) v;
        }

        String singleQuoted() throws FormatException {
            int open = pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = peek();
                if (c == '\0' || c == '\n') throw unterminated(open, "single");
                pos++;
                if (c == '\'') {
                    if (peek() != '\'') return b.toString();
                    pos++; // '' is one quote
                }
                b.append(c);
            }
        }

        FormatException unterminated(int open, String kind) {
            return error(open, "unterminated " + kind + "-quoted string: no closing quote on this line "
                    + "(a quoted string must end on the line it starts)");
        }

        // ------------------------------------------------------------ flow collections

        /** Spaces, tabs, line breaks and comments between flow tokens. */
        void skipFlowSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n') {
                    pos++;
                } else if (c == '#' && (pos == 0 || blankOrEnd(s.charAt(pos - 1)))) {
                    skipComment();
                } else {
                    return;
                }
            }
        }

        List<Object> flowSequence(int depth) throws FormatException {
            checkDepth(depth);
            countNode();
            int open = pos++;
            List<Object> list = new ArrayList<>();
            while (true) {
                skipFlowSpace();
                if (eof()) throw error(open, "unterminated '[': no matching ']'");
                if (peek() == ']') { pos++; return list; }
                list.add(flowNode(depth));
                skipFlowSpace();
                char c = peek();
                if (c == ',') { pos++; continue; }
                if (c == ']') { pos++; return list; }
                if (c == ':') throw error("a 'key: value' pair inside [ ] is not supported; write it as {key: value}");
                if (c == '\0') throw error(open, "unterminated '[': no matching ']'");
                throw error("expected ',' or ']' in a [ ] sequence (a value cannot continue on another line; quote text with spaces)");
            }
        }

        Map<String, Object> flowMapping(int depth) throws FormatException {
            checkDepth(depth);
            countNode();
            int open = pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            while (true) {
                skipFlowSpace();
                if (eof()) throw error(open, "unterminated '{': no matching '}'");
                if (peek() == '}') { pos++; return map; }
                int keyPos = pos;
                char k = peek();
                if (k == '[' || k == '{') throw error("a collection as a key is not supported; keys are text");
                String key = k == '"' ? doubleQuoted() : k == '\'' ? singleQuoted() : plain(true);
                if (k != '"' && k != '\'') {
                    if (key.isEmpty()) throw error(keyPos, "expected a key");
                    if (key.equals("<<")) throw error(keyPos, "merge keys (<<) are not supported; write every key out");
                }
                skipFlowSpace();
                Object value;
                if (peek() == ':') {
                    pos++;
                    skipFlowSpace();
                    value = peek() == ',' || peek() == '}' ? emptyValue() : flowNode(depth);
                } else if (peek() == ',' || peek() == '}') {
                    value = emptyValue(); // YAML's {a, b}: keys with null values
                } else if (eof()) {
                    throw error(open, "unterminated '{': no matching '}'");
                } else {
                    throw error("expected ':' after the key \"" + key + "\"");
                }
                if (map.containsKey(key)) throw error(keyPos, "duplicate key \"" + key + "\"");
                map.put(key, value);
                skipFlowSpace();
                char c = peek();
                if (c == ',') { pos++; continue; }
                if (c == '}') { pos++; return map; }
                if (c == '\0') throw error(open, "unterminated '{': no matching '}'");
                throw error("expected ',' or '}' in a { } mapping (a value cannot continue on another line; quote text with spaces)");
            }
        }

        // ------------------------------------------------------------ scalars

        /**
         * The YAML 1.2 core schema's reading of a plain scalar that ended just before {@code pos}
         * (https://yaml.org/spec/1.2.2/#1023-core-schema): null, bool, int (decimal, 0o octal, 0x hex),
         * float, else a string. Scanned by hand, not with regular expressions, so a file of a million
         * numbers allocates little more than the numbers.
         */
        Object resolve(String text) throws FormatException {
            int start = pos - text.length();
            switch (text) {
                case "", "~", "null", "Null", "NULL" -> { return Json.NULL; }
                case "true", "True", "TRUE" -> { return Boolean.TRUE; }
                case "false", "False", "FALSE" -> { return Boolean.FALSE; }
                case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN" ->
                        throw error(start, text + " is not a finite number; conv4j files hold finite numbers only");
                default -> { }
            }
            char c0 = text.charAt(0);
            if (!(c0 >= '0' && c0 <= '9') && c0 != '-' && c0 != '+' && c0 != '.') return text;
            int radix = text.startsWith("0o") ? 8 : text.startsWith("0x") ? 16 : 10;
            NumberShape shape = radix == 10 ? NumberShape.of(text) : NumberShape.digits(text, 2, radix);
            if (shape == NumberShape.NONE) return text;
            if (text.length() > 64) throw error(start, "number literal longer than 64 characters");
            if (shape == NumberShape.FLOAT) {
                Json.Num n = new Json.Num(jsonFloat(text));
                if (!Double.isFinite(n.doubleValue())) throw error(start, "number " + text + " is out of range");
                return n;
            }
            try {
                if (radix != 10) return new Json.Num(Long.toString(Long.parseLong(text.substring(2), radix)));
                String t = c0 == '+' ? text.substring(1) : text;
                long v = Long.parseLong(t);
                int firstDigit = t.startsWith("-") ? 1 : 0;
                // keep JSON's spelling (so "-0" stays "-0" as in JSON); only leading zeros are respelt
                return new Json.Num(t.length() > firstDigit + 1 && t.charAt(firstDigit) == '0' ? Long.toString(v) : t);
            } catch (NumberFormatException e) {
                throw error(start, "integer " + text + " does not fit in 64 bits");
            }
        }

        /** The core schema's number forms, as far as they matter here. */
        enum NumberShape {
            NONE, INT, FLOAT;

            /** {@code [-+]?[0-9]+} is INT; {@code [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?} is FLOAT. */
            static NumberShape of(String t) {
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
            static NumberShape digits(String t, int from, int radix) {
                if (t.length() <= from) return NONE;
                for (int i = from; i < t.length(); i++) if (Character.digit(t.charAt(i), radix) < 0) return NONE;
                return INT;
            }

            static boolean isDigit(char c) { return c >= '0' && c <= '9'; }
        }

        /**
         * A YAML float literal spelt as a JSON number: no '+', no leading zeros, digits on both sides of '.'.
         * A literal already spelt so comes back unchanged.
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
            if (e >= 0) b.append(text, e, text.length());
            return b.toString();
        }

        static String printable(char c) {
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : String.valueOf(c);
        }
    }
}
