package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesAllKindsAndKeepsKeyOrder() throws Exception {
        Object v = Json.parse("{\"b\": [1, -2.5e3, true, false, null, \"x\\n\\u00e9\"], \"a\": {}}", "t");
        Map<String, Object> m = Json.castMap(v);
        assertEquals(List.of("b", "a"), List.copyOf(m.keySet()));
        List<?> b = (List<?>) m.get("b");
        assertEquals(1L, ((Json.Num) b.get(0)).longValue());
        assertEquals(-2500.0, ((Json.Num) b.get(1)).doubleValue());
        assertEquals(Boolean.TRUE, b.get(2));
        assertSame(Json.NULL, b.get(4));
        assertEquals("x\n\u00e9", b.get(5));
    }

    @Test
    void roundTripsFloatsExactly() throws Exception {
        float[] values = {0.1f, 1e-8f, 3.4028235e38f, -7.0f, 1.17549435E-38f, 2e-3f};
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) m.put("k" + i, values[i]);
        Json.Obj o = Json.parseObject(Json.pretty(m), "t");
        for (int i = 0; i < values.length; i++) assertEquals(values[i], o.float32("k" + i));
    }

    @Test
    void errorsNameLineAndColumn() {
        FormatException e = assertThrows(FormatException.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2\n}", "spec.json"));
        assertTrue(e.getMessage().startsWith("spec.json: line 3, column 7"), e.getMessage());
        assertTrue(e.getMessage().contains("expected ':'"), e.getMessage());
    }

    @Test
    void rejectsMalformedInput() {
        String[] bad = {"", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"abc", "\"\\x\"", "tru", "{\"a\":1}x",
            "{\"a\":1,\"a\":2}", "1e999", "99999999999999999999", "\"\u0001\"", "[1 2]", "{a:1}", "NaN"};
        for (String s : bad) assertThrows(FormatException.class, () -> Json.parse(s, "t"), s);
    }

    @Test
    void enforcesDepthSizeAndValueLimits() {
        String deep = "[".repeat(100) + "]".repeat(100);
        FormatException e = assertThrows(FormatException.class, () -> Json.parse(deep, "t"));
        assertTrue(e.getMessage().contains("nesting deeper than 64"), e.getMessage());
        assertThrows(FormatException.class, () -> Json.parse("[1,2,3]", "t", new Json.Limits(5, 4, 100)));
        assertThrows(FormatException.class, () -> Json.parse("[1,2,3]", "t", new Json.Limits(100, 4, 3)));
    }

    @Test
    void typedAccessNamesThePath() throws Exception {
        Json.Obj o = Json.parseObject("{\"layers\": [{\"type\": \"Conv2d\", \"kernel_size\": \"3\"}]}", "net.json");
        Json.Obj layer = o.objects("layers").get(0);
        FormatException e = assertThrows(FormatException.class, () -> layer.integer("kernel_size"));
        assertEquals("net.json.layers[0].kernel_size: expected an integer, got a string", e.getMessage());
        e = assertThrows(FormatException.class, () -> layer.str("name"));
        assertTrue(e.getMessage().contains("missing field \"name\""));
        e = assertThrows(FormatException.class, () -> layer.allowOnly(List.of("type")));
        assertTrue(e.getMessage().contains("unknown field \"kernel_size\""));
        assertArrayEquals(new int[] {3, 3}, Json.parseObject("{\"k\":3}", "t").intOrPair("k"));
        assertArrayEquals(new int[] {3, 5}, Json.parseObject("{\"k\":[3,5]}", "t").intOrPair("k"));
    }

    @Test
    void writerEscapesAndRejectsNonFinite() throws Exception {
        String s = Json.write(Map.of("q", "a\"b\\c\t\u0002"));
        assertEquals("a\"b\\c\t\u0002", Json.parseObject(s, "t").str("q"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
    }
}
