package org.conv4j.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.conv4j.data.Cifar;
import org.conv4j.data.Datasets;
import org.conv4j.data.Idx;
import org.conv4j.data.ImageFolder;
import org.conv4j.data.LoaderState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5: files that declare far more than they hold fail fast (under a second), with a
 * FormatException naming the file, having allocated under 64 MB. Maven runs this class in its own JVM
 * with -Xmx256m (profile hostile-inputs in pom.xml), so an allocation of what a header declares would
 * also end the run with an OutOfMemoryError. Sparse files give a real length as large as the header
 * claims without using disk.
 */
class HostileInputTest {
    static final long MAX_MILLIS = 1000;
    static final long MAX_ALLOCATED = 64L << 20;

    @TempDir static Path dir;

    @BeforeAll
    static void report() {
        System.out.println("HostileInputTest: max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB");
    }

    interface Load { void run() throws Exception; }

    /** Runs {@code load}; it must throw a FormatException naming {@code name}, fast and with little allocation. */
    static FormatException refuses(String name, Load load) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytes0 = mx.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        FormatException e = assertThrows(FormatException.class, load::run);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        long allocated = mx.getCurrentThreadAllocatedBytes() - bytes0;
        System.out.printf("  %-44s %4d ms %7d KB allocated: %s%n", name, millis, allocated >> 10, e.getMessage());
        assertTrue(e.getMessage().contains(name), "message names " + name + ": " + e.getMessage());
        assertTrue(millis < MAX_MILLIS, name + " took " + millis + " ms");
        assertTrue(allocated < MAX_ALLOCATED, name + " allocated " + (allocated >> 20) + " MB");
        return e;
    }

    /** A file of {@code length} bytes (sparse beyond the header) starting with {@code header}. */
    static Path sparse(String name, byte[] header, long length) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(header);
            f.setLength(Math.max(length, header.length));
        }
        return p;
    }

    static byte[] idxHeader(int type, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.array();
    }

    /** A byte count the heap cannot hold: a little more than its maximum. */
    static long beyondHeap() {
        return Runtime.getRuntime().maxMemory() + (64L << 20);
    }

    @Test
    void idxDeclaring2To31ItemsFailsFast() throws IOException {
        int max = Integer.MAX_VALUE;
        Path onlyHeader = sparse("idx-header-only-labels", idxHeader(8, max), 8);
        refuses(onlyHeader.getFileName().toString(), () -> Idx.readLabels(onlyHeader));
        // real length as large as declared (2 GiB, sparse): the item ceiling refuses it
        Path labels = sparse("idx-sparse-labels", idxHeader(8, max), 8L + max);
        refuses(labels.getFileName().toString(), () -> Idx.readLabels(labels));
        Path images = sparse("idx-sparse-images", idxHeader(8, max, 28, 28), 16L + 28L * 28 * max);
        refuses(images.getFileName().toString(), () -> Idx.readImages(images));
        // more pixels than the heap holds (as bytes), honestly backed by a sparse file: within the ceilings,
        // refused by the heap check
        int n = (int) (beyondHeap() / (64 * 64));
        Path fits = sparse("idx-sparse-beyond-heap-images", idxHeader(8, n, 64, 64), 16L + 64L * 64 * n);
        refuses(fits.getFileName().toString(), () -> Idx.readImages(fits));
        Path gz = dir.resolve("idx-gzip-images.gz");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) { g.write(idxHeader(8, max, 28, 28)); }
        Files.write(gz, bos.toByteArray());
        refuses(gz.getFileName().toString(), () -> Idx.readImages(gz));
        // gzip claiming 1000 x 1000 x 1000 (1 GB) and holding 1 MB of zeros: what arrives is read, no more
        Path bomb = dir.resolve("idx-gzip-short.gz");
        bos.reset();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) { g.write(idxHeader(8, 1000, 1000, 1000)); g.write(new byte[1 << 20]); }
        Files.write(bomb, bos.toByteArray());
        refuses(bomb.getFileName().toString(), () -> Idx.readImages(bomb));
        Files.createDirectories(dir.resolve("idxdir"));
        Files.copy(gz, dir.resolve("idxdir/train-images-idx3-ubyte.gz"));
        for (String f : new String[] {"train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            sparse("idxdir/" + f, idxHeader(8, max), 8L + max);
        }
        refuses("idxdir", () -> Datasets.load(dir.resolve("idxdir"), null));
    }

    @Test
    void cifarOfGigabytesFailsFast() throws IOException {
        Path cifar = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        sparse("cifar-10-batches-bin/test_batch.bin", new byte[] {3}, 3073L * 10);
        Path huge = sparse("cifar-10-batches-bin/data_batch_1.bin", new byte[] {3}, 3073L * (1 << 24)); // 16M records, 51 GB
        refuses("data_batch_1.bin", () -> Datasets.load(dir, null));
        long records = beyondHeap() / 3072;                                            // more bytes than the heap
        sparse("cifar-10-batches-bin/data_batch_1.bin", new byte[] {3}, 3073L * records);
        refuses("data_batch_1.bin", () -> Cifar.load10(cifar));
        Files.delete(huge);
    }

    static byte[] npyHeader(String descr, String shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        byte[] h = (dict + " ".repeat(pad % 64) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length).put(h);
        return b.array();
    }

    @Test
    void npyDeclaringHugeShapesFailsFast() throws IOException {
        byte[] h = npyHeader("|u1", "(2147483647,)");
        Path onlyHeader = sparse("npy-header-only.npy", h, h.length);
        refuses(onlyHeader.getFileName().toString(), () -> Npy.read(onlyHeader));
        Path sparse = sparse("npy-sparse.npy", h, h.length + 2147483647L);
        refuses(sparse.getFileName().toString(), () -> Npy.read(sparse));
        long floats = beyondHeap() / 4;                           // beyond the heap (or the 1 GiB ceiling)
        byte[] f = npyHeader("<f4", "(" + floats + ",)");
        Path fits = sparse("npy-sparse-beyond-heap.npy", f, f.length + 4 * floats);
        refuses(fits.getFileName().toString(), () -> Npy.read(fits));
        byte[] o = npyHeader("<f8", "(4294967296, 4294967296)");
        Path overflow = sparse("npy-overflow.npy", o, o.length + 64);
        refuses(overflow.getFileName().toString(), () -> Npy.read(overflow));
    }

    @Test
    void safetensorsWithAHugeHeaderOrTensorFailsFast() throws IOException {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 100_000; i++) {
            if (i > 0) json.append(',');
            json.append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[")
                    .append(4L * i).append(',').append(4L * i + 4).append("]}");
        }
        byte[] head = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + head.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(head.length).put(head);
        Path many = sparse("st-100k-entries.safetensors", b.array(), 8L + head.length + 400_000);
        refuses(many.getFileName().toString(), () -> SafeTensors.read(many));

        long bytes = beyondHeap() / 4 * 4;       // one tensor larger than the heap (or than a Java array)
        byte[] one = ("{\"w\":{\"dtype\":\"F32\",\"shape\":[" + bytes / 4 + "],\"data_offsets\":[0," + bytes + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer c = ByteBuffer.allocate(8 + one.length).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(one.length).put(one);
        Path big = sparse("st-sparse-beyond-heap.safetensors", c.array(), 8L + one.length + bytes);
        refuses(big.getFileName().toString(), () -> SafeTensors.read(big));
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        Path lies = sparse("st-header-length.safetensors", d.array(), 16);
        refuses(lies.getFileName().toString(), () -> SafeTensors.read(lies));
    }

    /** A 35-byte PNG: signature, an IHDR of {@code w x h} RGB with a correct CRC, two stray bytes. */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(35);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a}).putInt(13);
        int start = b.position();
        b.put("IHDR".getBytes(StandardCharsets.ISO_8859_1)).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), start, 17);
        b.putInt((int) crc.getValue()).put((byte) 0).put((byte) 0);
        return b.array();
    }

    static byte[] bmpHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54);
        b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 24).putInt(0).putInt(0)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        return b.array();
    }

    static byte[] jpegHeader(int w, int h) {
        return new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xc0, 0, 11, 8, (byte) (h >> 8), (byte) h,
                (byte) (w >> 8), (byte) w, 1, 1, 0x11, 0, (byte) 0xff, (byte) 0xd9};
    }

    @Test
    void imagesDeclaring60000x60000FailFast() throws IOException {
        byte[] png = pngHeader(60000, 60000);
        assertEquals(35, png.length);
        Path p = dir.resolve("bomb.png");
        Files.write(p, png);
        refuses("bomb.png", () -> ImageFiles.decode(p));
        refuses("in-memory.png", () -> ImageFiles.decode(png, "in-memory.png"));
        Path bmp = dir.resolve("bomb.bmp");
        Files.write(bmp, bmpHeader(60000, 60000));
        refuses("bomb.bmp", () -> ImageFiles.decode(bmp));
        Path jpg = dir.resolve("bomb.jpg");
        Files.write(jpg, jpegHeader(60000, 60000));
        refuses("bomb.jpg", () -> ImageFiles.decode(jpg));
        // an 87-byte BMP "wrapping a PNG" whose header declares 2 GB of data (found by ImageFuzzer: the JDK's
        // BMP reader allocated it)
        Path wrapped = dir.resolve("embedded.bmp");
        Files.write(wrapped, java.util.Base64.getDecoder().decode(
                "Qk2uAAAAAAAA3DYAAAAoAAAABwAAAAEAAAABABj/BQAAAAAAAHgAAADEDgAAxA4AAAAAAAEAgAABABgAQQAAAHgAAO/Tn50F7GdnZ2dnZ2dnZzU8xy5t"));
        refuses("embedded.bmp", () -> ImageFiles.decode(wrapped));
        // within the pixel ceiling (16 Mpx) but more than 35 bytes can encode
        Path dense = dir.resolve("dense.png");
        Files.write(dense, pngHeader(4000, 4000));
        refuses("dense.png", () -> ImageFiles.decode(dense));
        // in an image folder, read through the compute pool
        Files.createDirectories(dir.resolve("folder/cat"));
        Files.write(dir.resolve("folder/cat/bomb.png"), png);
        refuses("bomb.png", () -> ImageFolder.load(dir.resolve("folder"), ImageSpec.of(1, 28, 28), null, "t"));
    }

    @Test
    void networkSpecsAndModelFilesDeclaringHugeLayersFailFast() throws IOException {
        String spec = "{\"format\": \"conv4j-network\", \"version\": 1, \"input\": [1, 1, 1], \"classes\": 3, \"layers\": ["
                + "{\"type\": \"Flatten\"}, {\"type\": \"Linear\", \"in_features\": 1, \"out_features\": 300000000},"
                + "{\"type\": \"Linear\", \"in_features\": 300000000, \"out_features\": 3}]}";
        Path specFile = dir.resolve("huge-spec.json");
        Files.writeString(specFile, spec);
        refuses("huge-spec.json", () -> org.conv4j.model.NetworkSpec.read(specFile));
        String overflow = spec.replace("300000000", "2000000000");
        refuses("overflow-spec", () -> org.conv4j.model.NetworkSpec.parse(overflow, "overflow-spec"));
        // the same architecture in a model file's metadata, with no weights at all
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, java.util.Map.of("format", "conv4j-model", "format_version", "1", "spec", spec), java.util.List.of());
        Path model = dir.resolve("huge-model.safetensors");
        Files.write(model, out.toByteArray());
        refuses("huge-model.safetensors", () -> org.conv4j.model.ModelFile.load(model));
    }

    @Test
    void yamlSpecsWithBombsDeepNestingManyValuesOrHugeLayersFailFast() throws IOException {
        int max = org.conv4j.model.NetworkSpec.MAX_BYTES;
        // billion laughs: nine levels of nine aliases would expand to 10^9 strings; refused at the first anchor
        StringBuilder lol = new StringBuilder("input: [1, 1, 1]\nclasses: 3\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            lol.append(c).append(": &").append(c).append(" [").append(("*" + (char) (c - 1) + ", ").repeat(8)).append('*').append((char) (c - 1)).append("]\n");
        }
        Path laughs = dir.resolve("laughs.yaml");
        Files.writeString(laughs, lol);
        refuses("laughs.yaml", () -> org.conv4j.model.NetworkSpec.read(laughs));
        // nesting: 4 MB of '[' and of ever-deeper block mappings
        Path deepFlow = dir.resolve("deep-flow.yaml");
        Files.writeString(deepFlow, "layers: " + "[".repeat(max - 100));
        refuses("deep-flow.yaml", () -> org.conv4j.model.NetworkSpec.read(deepFlow));
        Path deepBlock = dir.resolve("deep-block.yaml");
        StringBuilder block = new StringBuilder();
        for (int i = 0; block.length() < max - 4096; i++) block.append(" ".repeat(i % 2000)).append("k:\n");
        Files.writeString(deepBlock, block);
        refuses("deep-block.yaml", () -> org.conv4j.model.NetworkSpec.read(deepBlock));
        // 2 million values in 4 MB, and 1 million one-character list entries
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, "x: [" + "0,".repeat(max / 2 - 10) + "]\n");
        refuses("values.yaml", () -> org.conv4j.model.NetworkSpec.read(values));
        Path entries = dir.resolve("entries.yaml");
        Files.writeString(entries, "x:\n" + "-\n".repeat(max / 2 - 10));
        refuses("entries.yaml", () -> org.conv4j.model.NetworkSpec.read(entries));
        // a file beyond the spec size limit is refused before it is read
        Path big = sparse("big.yaml", "x: 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1L << 31);
        refuses("big.yaml", () -> org.conv4j.model.NetworkSpec.read(big));
        // a 300M-wide layer: parameters are counted before anything is allocated, as for JSON
        Path huge = dir.resolve("huge-spec.yaml");
        Files.writeString(huge, """
                input: [1, 1, 1]
                classes: 3
                layers:
                - type: Flatten
                - {type: Linear, in_features: 1, out_features: 300000000}
                - {type: Linear, in_features: 300000000, out_features: 3}
                """);
        refuses("huge-spec.yaml", () -> org.conv4j.model.NetworkSpec.read(huge));
    }

    @Test
    void loaderStateDeclaringManyItemsFailsFast() {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x434A4C31).putInt(0).putInt(0).putInt(1 << 26).putLong(1);
        refuses("checkpoint", () -> LoaderState.decode(b.array(), "checkpoint"));
    }
}
