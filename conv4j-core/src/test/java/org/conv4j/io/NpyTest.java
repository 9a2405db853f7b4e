package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips, numpy-written fixtures (make_npy_fixtures.py) and malformed files. */
class NpyTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/npy");

    @TempDir Path tmp;

    private static float[] expectedF32() {
        float[] f = new float[24];
        for (int i = 0; i < 24; i++) f[i] = (i - 11.5f) / 3.0f;
        f[0] = 1e-38f;
        f[23] = -3.4e38f;
        return f;
    }

    @Test
    void readsNumpyFloat32InEveryFormatVersion() throws IOException {
        for (String name : new String[] {"f32_2x3x4.npy", "f32_2x3x4_v2.npy", "f32_2x3x4_v3.npy"}) {
            NpyArray a = Npy.read(FIX.resolve(name));
            assertEquals(Npy.DType.FLOAT32, a.dtype(), name);
            assertArrayEquals(new int[] {2, 3, 4}, a.shape(), name);
            assertArrayEquals(expectedF32(), a.float32(), name);
        }
    }

    @Test
    void readsNumpyFloat64Uint8Int64() throws IOException {
        assertArrayEquals(new double[] {0.1, -2.5, 1e300, -1e-300, Math.PI}, Npy.read(FIX.resolve("f64_5.npy")).float64());
        NpyArray u8 = Npy.read(FIX.resolve("u8_2x3.npy"));
        assertArrayEquals(new int[] {2, 3}, u8.shape());
        assertArrayEquals(new int[] {0, 1, 127, 128, 200, 255}, u8.toInts());
        NpyArray i64 = Npy.read(FIX.resolve("i64_4.npy"));
        assertArrayEquals(new long[] {0, -1, 1L << 40, 9}, i64.int64());
        assertArrayEquals(new double[] {0, -1, 0x1p40, 9}, i64.toDoubles());
    }

    @Test
    void readsScalarAndEmptyArrays() throws IOException {
        NpyArray s = Npy.read(FIX.resolve("f32_scalar.npy"));
        assertEquals(0, s.shape().length);
        assertArrayEquals(new float[] {42.25f}, s.float32());
        NpyArray e = Npy.read(FIX.resolve("f32_empty_0x3.npy"));
        assertArrayEquals(new int[] {0, 3}, e.shape());
        assertEquals(0, e.float32().length);
    }

    @Test
    void writesTheSameBytesAsNumpy() throws IOException {
        // np.save's header layout (dict text, 64-byte padding) is reproduced exactly.
        for (String name : new String[] {"f32_2x3x4.npy", "f64_5.npy", "u8_2x3.npy", "i64_4.npy", "f32_scalar.npy", "f32_empty_0x3.npy"}) {
            byte[] numpy = Files.readAllBytes(FIX.resolve(name));
            assertArrayEquals(numpy, Npy.toBytes(Npy.read(FIX.resolve(name))), name);
        }
    }

    @Test
    void roundTripsEveryDtypeThroughAFile() throws IOException {
        int n = 70_007; // 7 x 10001: spans several 64 KiB chunks with a ragged tail
        float[] f = new float[n];
        double[] d = new double[n];
        byte[] b = new byte[n];
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) Math.sin(i) * 1000;
            d[i] = Math.cos(i) * 1e200;
            b[i] = (byte) (i * 7);
            l[i] = (long) i * 0x1_0000_0001L - 5;
        }
        Path p = tmp.resolve("x.npy");
        Npy.write(p, NpyArray.ofFloat32(f, 7, 10001));
        NpyArray rf = Npy.read(p);
        assertArrayEquals(new int[] {7, 10001}, rf.shape());
        assertArrayEquals(f, rf.float32());
        Npy.write(p, NpyArray.ofFloat64(d, n));
        assertArrayEquals(d, Npy.read(p).float64());
        Npy.write(p, NpyArray.ofUint8(b, n, 1));
        assertArrayEquals(b, Npy.read(p).uint8());
        Npy.write(p, NpyArray.ofInt64(l, n));
        assertArrayEquals(l, Npy.read(p).int64());
        Tensor t = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        Npy.write(p, t);
        Tensor back = Npy.readTensor(p);
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.data(), back.data());
    }

    @Test
    void headerIsPaddedTo64Bytes() {
        for (int rank = 0; rank < 12; rank++) {
            int[] shape = new int[rank];
            Arrays.fill(shape, 1);
            assertEquals(0, Npy.header(NpyArray.ofFloat32(new float[1], shape)).length % 64, "rank " + rank);
        }
    }

    // ------------------------------------------------------------ rejected files

    private static String failure(Path p) {
        FormatException e = assertThrows(FormatException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static String failure(byte[] bytes) {
        FormatException e = assertThrows(FormatException.class, () -> Npy.read(bytes, "mem.npy"));
        assertTrue(e.getMessage().startsWith("mem.npy: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void rejectsFortranOrderBigEndianAndOtherDtypesNamingTheField() {
        assertTrue(failure(FIX.resolve("fortran_f32_2x3.npy")).contains("'fortran_order' is True"));
        assertTrue(failure(FIX.resolve("bigendian_f4.npy")).contains("big-endian '>f4'"));
        assertTrue(failure(FIX.resolve("int32_3.npy")).contains("field 'descr' is '<i4'"));
    }

    /** A version 1.0 file with the given header text (padded) and data bytes. */
    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        return b.array();
    }

    @Test
    void rejectsMalformedHeaders() {
        assertTrue(failure(new byte[5]).contains("too short"));
        assertTrue(failure("NOTNUMPYxxxxxx".getBytes(StandardCharsets.ISO_8859_1)).contains("not an NPY file"));
        byte[] v4 = file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
        v4[6] = 4;
        assertTrue(failure(v4).contains("version 4.0 is not supported"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, }", 4)).contains("no 'shape'"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4)).contains("unexpected header field 'x'"));
        assertTrue(failure(file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4)).contains("structured"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4)).contains("non-negative"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,", 4)).contains("ends early"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,), }", 4)).contains("True or False"));
        assertTrue(failure(file("{'descr': 'O', 'fortran_order': False, 'shape': (1,), }", 8)).contains("field 'descr' is 'O'"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", 4)).contains("larger than an int"));
        byte[] hugeHeader = file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
        hugeHeader[8] = (byte) 0xFF;
        hugeHeader[9] = (byte) 0xFF;
        assertTrue(failure(hugeHeader).contains("runs past the end of the file"));
    }

    @Test
    void rejectsShapesTheDataCannotHold() {
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20)).contains("needs 24 data bytes but the file has only 20"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 28)).contains("4 bytes after the data"));
        // 2^31-1 squared overflows nothing in long, but 5 such dimensions do.
        String dims = "2147483647, 2147483647, 2147483647, 2147483647, 2147483647";
        assertTrue(failure(file("{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }", 8)).contains("overflows"));
        assertTrue(failure(file("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 0, 65536), }", 0)).contains("more elements than a Java array"));
    }

    @Test
    void sparseFileDeclaringHugeArrayFailsFastWithoutAllocating() throws IOException {
        // A file that really is 8 GiB long (sparse) and declares 2^31-1 float32 items: the ceiling stops it.
        Path p = tmp.resolve("sparse.npy");
        byte[] h = file("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647,), }", 0);
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(h);
            raf.setLength(h.length + 4L * Integer.MAX_VALUE);
        }
        long t0 = System.nanoTime();
        assertTrue(failure(p).contains("above the ceiling"));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "fails without hanging (HostileInputTest measures the sub-second figure)");
        // A caller's own, lower limit is honoured too.
        Path small = tmp.resolve("small.npy");
        Npy.write(small, NpyArray.ofFloat32(new float[100], 100));
        FormatException e = assertThrows(FormatException.class, () -> Npy.read(small, 399));
        assertTrue(e.getMessage().contains("above the ceiling of 399"), e.getMessage());
    }

    @Test
    void everyTruncationOfAValidFileIsAFormatException() throws IOException {
        byte[] ok = Files.readAllBytes(FIX.resolve("f64_5.npy"));
        for (int len = 0; len < ok.length; len++) {
            byte[] cut = Arrays.copyOf(ok, len);
            assertThrows(FormatException.class, () -> Npy.read(cut, "cut.npy"), "length " + len);
        }
    }

    /** Seeded random corruption of valid files: every outcome is a parsed array or a FormatException. */
    @Test
    void randomCorruptionNeverEscapesAsAnotherException() throws IOException {
        org.conv4j.util.Rng rng = new org.conv4j.util.Rng(2026);
        String[] names = {"f32_2x3x4.npy", "f32_2x3x4_v2.npy", "f32_2x3x4_v3.npy", "u8_2x3.npy", "i64_4.npy", "f32_scalar.npy"};
        int parsed = 0, rejected = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] b = Files.readAllBytes(FIX.resolve(names[trial % names.length]));
            int edits = 1 + rng.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = rng.nextInt(Math.min(b.length, 140)); // mostly the preamble and header
                switch (rng.nextInt(4)) {
                    case 0 -> b[at] = (byte) rng.nextInt(256);
                    case 1 -> b[at] = (byte) "0123456789(),' :{}<>|fiuTF".charAt(rng.nextInt(26));
                    case 2 -> b = Arrays.copyOf(b, at);
                    default -> {
                        byte[] longer = Arrays.copyOf(b, b.length + 1);
                        System.arraycopy(b, at, longer, at + 1, b.length - at);
                        longer[at] = (byte) '9';
                        b = longer;
                    }
                }
                if (b.length == 0) break;
            }
            try {
                NpyArray a = Npy.read(b, "fuzz.npy");
                assertEquals(a.size(), a.toDoubles().length);
                parsed++;
            } catch (FormatException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz.npy: "), expected.getMessage());
                rejected++;
            }
        }
        assertTrue(rejected > 1000 && parsed > 10, "parsed " + parsed + ", rejected " + rejected);
    }
}
