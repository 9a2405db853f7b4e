package org.conv4j.bench;

import static org.junit.jupiter.api.Assertions.*;

import org.conv4j.model.Model;
import org.conv4j.model.Zoo;
import org.junit.jupiter.api.Test;

class LatencyBenchTest {
    @Test
    void timesEveryCallAndReportsBestMedianThroughputAndHeap() {
        Model m = Zoo.spec("reference").build(0);
        LatencyBench.Result r = LatencyBench.run(m, 4, 2, 7, 0);
        assertEquals(4, r.batch());
        assertEquals(7, r.calls());
        assertTrue(r.bestMs() > 0 && r.bestMs() <= r.medianMs(), r.toString());
        assertEquals(4 * 1000.0 / r.medianMs(), r.imagesPerSecond(), 1e-9);
        assertTrue(r.peakHeapBytes() > 0, r.toString());
        assertEquals(LatencyBench.Result.HEADER.split("\t").length, r.row("reference").split("\t").length);
        // the same seed gives the same input
        assertArrayEquals(LatencyBench.input(m, 2, 5).data(), LatencyBench.input(m, 2, 5).data());
    }
}
