package org.conv4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.conv4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Dataset.of from arrays and from a tensor: what it keeps, and the errors that name what is wrong. */
class DatasetOfTest {
    static final int[] SHAPE = {2, 1, 3};   // [C, H, W]: 6 values an image

    static float[][] images(int n) {
        float[][] x = new float[n][6];
        for (int i = 0; i < n; i++) for (int k = 0; k < 6; k++) x[i][k] = (i * 6 + k) / 100f;
        return x;
    }

    static String message(Executable e) { return assertThrows(IllegalArgumentException.class, e).getMessage(); }

    @Test
    void fromArraysKeepsEveryPixelAndLabelAsGiven() {
        float[][] x = images(3);
        Dataset d = Dataset.of(x, new int[] {2, 0, 2}, SHAPE);
        assertEquals(3, d.size());
        assertArrayEquals(SHAPE, d.itemShape());
        assertEquals(List.of("0", "1", "2"), d.classNames(), "classes named by index up to the largest label");
        assertArrayEquals(new int[] {2, 0, 2}, d.labels());
        for (int i = 0; i < 3; i++) assertArrayEquals(x[i], d.image(i).data(), "image " + i);
        x[1][0] = 0.99f;
        assertEquals(6 / 100f, d.image(1).data()[0], "the pixels were copied");
        assertEquals(List.of("cat", "dog", "eel", "fox"), Dataset.of(x, new int[] {0, 3, 1}, SHAPE, List.of("cat", "dog", "eel", "fox")).classNames());
    }

    @Test
    void fromATensorEqualsFromArrays() {
        float[][] x = images(4);
        Tensor t = new Tensor(4, 2, 1, 3);
        for (int i = 0; i < 4; i++) System.arraycopy(x[i], 0, t.data(), i * 6, 6);
        Dataset a = Dataset.of(x, new int[] {1, 0, 1, 1}, SHAPE), b = Dataset.of(t, new int[] {1, 0, 1, 1});
        assertArrayEquals(a.images().data(), b.images().data());
        assertArrayEquals(a.labels(), b.labels());
        assertEquals(a.classNames(), b.classNames());
        t.data()[0] = 0.5f;
        assertEquals(0f, b.image(0).data()[0], "the tensor was copied");
        assertEquals(List.of("no", "yes"), Dataset.of(t, new int[] {1, 0, 1, 1}, List.of("no", "yes")).classNames());
    }

    @Test
    void mismatchedCountsAndLengthsAreNamed() {
        assertTrue(message(() -> Dataset.of(images(3), new int[] {0, 1}, SHAPE)).contains("3 images but 2 labels"));
        assertTrue(message(() -> Dataset.of(new Tensor(3, 2, 1, 3), new int[] {0, 1, 1, 0})).contains("3 images but 4 labels"));
        float[][] x = images(3);
        x[2] = new float[5];
        String m = message(() -> Dataset.of(x, new int[] {0, 1, 0}, SHAPE));
        assertTrue(m.contains("image 2 has 5 values") && m.contains("[2, 1, 3] needs 6"), m);
        x[2] = null;
        assertTrue(message(() -> Dataset.of(x, new int[] {0, 1, 0}, SHAPE)).contains("image 2 is null"));
        assertTrue(message(() -> Dataset.of(images(2), new int[] {0, 1}, new int[] {6})).contains("[C, H, W]"));
        assertTrue(message(() -> Dataset.of(new Tensor(2, 6), new int[] {0, 1})).contains("[N, C, H, W], got [2, 6]"));
        assertTrue(message(() -> Dataset.of(new float[0][], new int[0], SHAPE)).contains("no images"));
    }

    @Test
    void labelsAndPixelsOutOfRangeAreNamed() {
        String m = message(() -> Dataset.of(images(3), new int[] {0, -1, 1}, SHAPE));
        assertTrue(m.contains("label -1 of image 1"), m);
        m = message(() -> Dataset.of(images(3), new int[] {0, 2, 1}, SHAPE, List.of("a", "b")));
        assertTrue(m.contains("label 2 of image 1 is outside 0..1") && m.contains("2 class names"), m);
        float[][] x = images(3);
        x[1][4] = 255f;
        m = message(() -> Dataset.of(x, new int[] {0, 1, 0}, SHAPE));
        assertTrue(m.contains("image 1 has value 255.0 at index 4") && m.contains("[0, 1]"), m);
        x[1][4] = Float.NaN;
        assertTrue(message(() -> Dataset.of(x, new int[] {0, 1, 0}, SHAPE)).contains("value NaN"));
        Tensor t = new Tensor(2, 2, 1, 3);
        t.data()[7] = -0.5f;
        assertTrue(message(() -> Dataset.of(t, new int[] {0, 1})).contains("image 1 has value -0.5 at index 1"));
    }
}
