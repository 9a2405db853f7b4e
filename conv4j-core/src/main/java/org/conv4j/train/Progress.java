package org.conv4j.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The training progress line on stderr: epoch, batch, images/s, running loss and accuracy, ETA. On a
 * terminal it redraws one line (at most 5 times a second); otherwise it prints a plain line about every
 * 10% of an epoch, so logs stay readable.
 */
public final class Progress {
    private final PrintStream out;
    private final boolean tty;
    private long lastDraw;
    private int lastDecile = -1;

    public Progress(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    /** True when stderr is an interactive terminal. */
    public static boolean stderrIsTerminal() {
        var c = System.console();
        return c != null && c.isTerminal() && System.getenv("CI") == null;
    }

    public void update(int epoch, int epochs, int batch, int batches, long images, double seconds, double loss, double acc) {
        if (out == null) return;
        double rate = images / Math.max(seconds, 1e-9);
        double eta = batch >= batches ? 0 : seconds / batch * (batches - batch);
        String etaText = batch < Math.max(2, batches / 100) ? "--:--" : time(eta); // too early to guess
        if (tty) {
            long now = System.nanoTime();
            if (batch < batches && now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            int width = 24, filled = (int) ((long) width * batch / batches);
            out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d  %,.0f img/s  loss %.4f  acc %.2f%%  ETA %s   ",
                    epoch, epochs, "=".repeat(filled), " ".repeat(width - filled), batch, batches, rate, loss, 100 * acc, etaText));
            out.flush();
        } else {
            int decile = (int) (10L * batch / batches);
            if (decile == lastDecile || (decile == 10 && batch < batches)) return;
            lastDecile = decile;
            out.println(String.format(Locale.ROOT, "epoch %d/%d  batch %d/%d  %,.0f img/s  loss %.4f  acc %.2f%%  ETA %s",
                    epoch, epochs, batch, batches, rate, loss, 100 * acc, etaText));
        }
    }

    /** Ends the epoch's progress line. */
    public void endEpoch() {
        if (out != null && tty) out.println();
        lastDecile = -1;
    }

    static String time(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String.format("%d:%02d", t / 60, t % 60);
    }
}
