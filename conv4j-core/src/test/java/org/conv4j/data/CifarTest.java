package org.conv4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conv4j.io.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarTest {
    @TempDir Path dir;

    /** n records; record i has labels (i % 10, i % 7) (only the first for CIFAR-10) and pixel k = (i + k) % 256. */
    static byte[] records(int n, int labelBytes, int first) {
        int rec = labelBytes + Cifar.PIXELS;
        byte[] b = new byte[n * rec];
        for (int i = 0; i < n; i++) {
            int id = first + i;
            b[i * rec] = (byte) (id % 10);
            if (labelBytes == 2) b[i * rec + 1] = (byte) (id % 7);
            for (int k = 0; k < Cifar.PIXELS; k++) b[i * rec + labelBytes + k] = (byte) ((id + k) % 256);
        }
        return b;
    }

    @Test
    void cifar10BatchesAreConcatenatedInNumericOrder() throws IOException {
        Path d = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        Files.write(d.resolve("data_batch_2.bin"), records(3, 1, 4));
        Files.write(d.resolve("data_batch_10.bin"), records(2, 1, 7));
        Files.write(d.resolve("data_batch_1.bin"), records(4, 1, 0));
        Files.write(d.resolve("test_batch.bin"), records(5, 1, 100));
        TrainTest t = Datasets.load(dir, null);       // found through the standard subfolder
        assertEquals(9, t.train().size());
        assertEquals(5, t.test().size());
        assertArrayEquals(new int[] {3, 32, 32}, t.train().itemShape());
        assertEquals(ClassNames.CIFAR10, t.train().classNames());
        for (int i = 0; i < 9; i++) {
            assertEquals(i % 10, t.train().label(i));
            // channel 1 (green), row 2, col 5 is byte k = 1024 + 2 * 32 + 5
            assertEquals(((i + 1024 + 69) % 256) / 255f, t.train().image(i).get(1, 2, 5), 0f);
        }
        Files.writeString(d.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        assertEquals("j", Cifar.load10(d).train().classNames().get(9));
    }

    @Test
    void cifar100UsesFineOrCoarseLabels() throws IOException {
        Files.write(dir.resolve("train.bin"), records(6, 2, 0));
        Files.write(dir.resolve("test.bin"), records(2, 2, 50));
        TrainTest fine = Datasets.load(dir, null);
        assertEquals(100, fine.train().numClasses());
        assertEquals(5 % 7, fine.train().label(5));
        TrainTest coarse = Cifar.load100(dir, Cifar.Labels.COARSE);
        assertEquals(20, coarse.train().numClasses());
        assertEquals(5, coarse.train().label(5));
        assertEquals((50 + 3) % 256 / 255f, fine.test().image(0).get(0, 0, 3), 0f);
    }

    @Test
    void malformedBatchesAreNamed() throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, java.util.Arrays.copyOf(records(2, 1, 0), 3073 * 2 - 1));
        FormatException e = assertThrows(FormatException.class, () -> Cifar.readBatch(f, 1, 0, 10));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("whole number of 3073-byte"), e.getMessage());
        Files.write(f, new byte[0]);
        assertThrows(FormatException.class, () -> Cifar.readBatch(f, 1, 0, 10));
        byte[] bad = records(2, 1, 0);
        bad[3073] = 10;
        Files.write(f, bad);
        e = assertThrows(FormatException.class, () -> Cifar.readBatch(f, 1, 0, 10));
        assertTrue(e.getMessage().contains("record 1 has label 10"), e.getMessage());
        Files.writeString(dir.resolve("batches.meta.txt"), "only\nthree\nnames\n");
        Files.write(f, records(1, 1, 0));
        Files.write(dir.resolve("test_batch.bin"), records(1, 1, 0));
        e = assertThrows(FormatException.class, () -> Cifar.load10(dir));
        assertTrue(e.getMessage().contains("names 3 classes"), e.getMessage());
        assertEquals(List.of(), List.of());
    }
}
