package org.conv4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The training progress on stderr: epoch, batch, images/s, running loss and accuracy, ETA. As a
 * {@linkplain Mode#BAR bar} it redraws one line with carriage returns (at most 5 times a second); as
 * {@linkplain Mode#LINES lines} it prints a plain line about every 10% of an epoch and never a carriage
 * return, so a log file stays readable. {@link Mode#AUTO} picks the bar only when stderr, where it draws,
 * is a terminal.
 */
public final class Progress {
    /** How progress is shown; {@code conv4j train --progress} takes these names in lower case. */
    public enum Mode {
        /** a bar when stderr is a terminal ({@link #stderrIsTerminal()}), else lines */
        AUTO,
        /** one line redrawn with carriage returns */
        BAR,
        /** a plain line about every 10% of an epoch */
        LINES,
        /** nothing */
        NONE;

        /** {@return this mode, AUTO resolved against this process's stderr} */
        public Mode resolve() { return this != AUTO ? this : stderrIsTerminal() ? BAR : LINES; }
    }

    private final PrintStream out;
    private final boolean tty;
    private long lastDraw;
    private int lastDecile = -1;

    /**
     * A progress display on {@code out}.
     *
     * @param out the stream drawn on, usually stderr
     * @param tty true to redraw a bar, false for plain lines
     */
    public Progress(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    /**
     * {@return progress written to {@code out} as {@code mode} says; null for {@link Mode#NONE} (the trainer then
     * shows none)}
     *
     * @param out  the stream drawn on, usually stderr
     * @param mode how to show it; AUTO is resolved here
     */
    public static Progress of(PrintStream out, Mode mode) {
        return switch (mode.resolve()) {
            case BAR -> new Progress(out, true);
            case LINES -> new Progress(out, false);
            default -> null;
        };
    }

    /**
     * True when this process's stderr (file descriptor 2) is an interactive terminal and the environment
     * does not ask for plain output ({@code CI} set, or {@code TERM=dumb}). Java has no isatty(2):
     * {@link System#console()} only describes stdin and stdout, so {@code train 2>log} on a terminal would
     * pass it. On Linux, /proc/self/fd/2 names the file behind fd 2, a terminal being /dev/pts/N or
     * /dev/ttyN; elsewhere the console's answer is the best there is.
     *
     * @return true if a bar can be drawn on stderr
     */
    public static boolean stderrIsTerminal() {
        if (System.getenv("CI") != null || "dumb".equals(System.getenv("TERM"))) return false;
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd2)) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(fd2).toString());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }
        var c = System.console();
        return c != null && c.isTerminal();
    }

    /** True for the device files of terminals: /dev/pts/N, /dev/ttyN (not /dev/null, a file or a pipe). */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /**
     * Shows the progress after a batch; draws only when the mode's rate allows (the bar at most 5 times a second,
     * lines about every 10% of the epoch) and always after the epoch's last batch; nothing in mode NONE.
     *
     * @param epoch   1-based epoch number
     * @param epochs  epochs in the run
     * @param batch   batches done in this epoch, 1-based
     * @param batches batches in the epoch
     * @param images  images trained on in this epoch so far
     * @param seconds seconds spent on this epoch so far
     * @param loss    running mean loss of the epoch
     * @param acc     running accuracy of the epoch, in [0, 1]
     */
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
