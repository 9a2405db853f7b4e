package org.conv4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conv4j.testing.TorchFixture;
import org.junit.jupiter.api.Test;

/** Erf against Python's math.erf and math.erfc (fixtures/layers/erf, from make_layer_fixtures.py). */
class ErfTest {
    @Test
    void matchesPythonToAFewUlps() {
        TorchFixture f = TorchFixture.load("layers", "erf");
        double[] x = f.doubles("x"), erf = f.doubles("erf"), erfc = f.doubles("erfc");
        double worstErf = 0, worstErfc = 0;
        for (int i = 0; i < x.length; i++) {
            worstErf = Math.max(worstErf, Math.abs(Erf.erf(x[i]) - erf[i]) / Math.max(Math.abs(erf[i]), 1e-300));
            if (erfc[i] > 0) worstErfc = Math.max(worstErfc, Math.abs(Erf.erfc(x[i]) - erfc[i]) / erfc[i]);
        }
        assertTrue(worstErf < 1e-14, "erf relative error " + worstErf);
        assertTrue(worstErfc < 1e-13, "erfc relative error " + worstErfc);
    }

    @Test
    void limitsAndSymmetry() {
        assertEquals(0.0, Erf.erf(0.0));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        for (double v = -6; v <= 6; v += 0.37) assertEquals(-Erf.erf(v), Erf.erf(-v));
    }
}
