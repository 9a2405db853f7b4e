package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir Path dir;

    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    @Test
    void roundTripsTensorsAndMetadata() throws Exception {
        Tensor a = Tensor.wrap(new float[] {1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, -0f}, 2, 3);
        Tensor b = Tensor.wrap(new float[] {7f}, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, Map.of("format", "conv4j"), List.of(SafeTensors.Entry.of("a.weight", a),
                SafeTensors.Entry.of("b", b), SafeTensors.Entry.ofLongs("steps", new long[] {1L << 40, -3})));
        byte[] bytes = out.toByteArray();
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8, "header padded to 8 bytes");
        Path f = dir.resolve("m.safetensors");
        Files.write(f, bytes);
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals("conv4j", c.metadata().get("format"));
        assertArrayEquals(a.data(), c.get("a.weight").floats());
        assertArrayEquals(new int[] {2, 3}, c.get("a.weight").intShape());
        assertArrayEquals(new long[] {1L << 40, -3}, c.get("steps").longs());
        assertEquals(List.of("a.weight", "b", "steps"), List.copyOf(c.tensors().keySet()));
    }

    @Test
    void readsOtherDtypes() throws Exception {
        String h = "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[16,19]}}";
        byte[] f = file(h, 19);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int base = 8 + h.length();
        b.putDouble(base, 0.25).putDouble(base + 8, -1e300);
        f[base + 16] = 0; f[base + 17] = (byte) 200; f[base + 18] = 7;
        SafeTensors.Contents c = SafeTensors.read(f, "x");
        assertArrayEquals(new double[] {0.25, -1e300}, c.get("d").doubles());
        assertArrayEquals(new float[] {0, 200, 7}, c.get("u").floats());
    }

    private static void assertBad(byte[] f, String expected) {
        FormatException e = assertThrows(FormatException.class, () -> SafeTensors.read(f, "bad.safetensors"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
    }

    @Test
    void rejectsHostileFiles() {
        assertBad(new byte[3], "too short");
        byte[] huge = new byte[16];
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE);
        assertBad(huge, "does not fit in the file");
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertBad(huge, "does not fit in the file");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "truncated");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "needs 8");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4), "overflows");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "negative");
        assertBad(file("{\"a\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unsupported dtype");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "overlaps");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "gap");
        assertBad(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9), "trailing");
        assertBad(file("{\"a\":[1,2]}", 0), "expected an object");
        assertBad(file("{\"__metadata__\":{\"k\":1}}", 0), "expected a string");
        assertBad(file("{\"a\":{\"dtype\":\"F32\"", 0), "line 1, column 20");
        byte[] notUtf8 = file("{\"\u00e9\":1}", 0);
        notUtf8[10] = (byte) 0xFF;
        assertBad(notUtf8, "UTF-8");
    }

    @Test
    void hundredThousandEntryHeaderFailsFast() {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < 100_000; i++) {
            if (i > 0) h.append(',');
            h.append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        h.append('}');
        long t0 = System.nanoTime();
        assertBad(file(h.toString(), 0), "more than");
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "fails without hanging (HostileInputTest measures the sub-second figure)");
    }
}
