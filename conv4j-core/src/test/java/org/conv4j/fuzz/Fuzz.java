package org.conv4j.fuzz;

import org.conv4j.io.FormatException;

/** What every loader fuzz target asserts besides "no exception but FormatException". */
final class Fuzz {
    private Fuzz() {}

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError("loader returned inconsistent data: " + what);
    }

    /** A FormatException must name its source first and say something. */
    static void checkMessage(FormatException e, String source) {
        String m = e.getMessage();
        if (m == null || !m.startsWith(source) || m.length() <= source.length() + 3) {
            throw new AssertionError("FormatException without a useful message: " + m, e);
        }
    }
}
