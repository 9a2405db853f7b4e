package org.conv4j.train;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (SIGINT) or SIGTERM during a training command ({@code conv4j train}, {@code conv4j spark train})
 * into a stop at the next step boundary: a checkpoint of exactly that point, a message saying how to resume,
 * and the command's own exit code.
 *
 * <p>How: the JVM answers those signals by running its shutdown hooks and then exiting (with 128 + the
 * signal's number). While training, one hook is installed here. It asks the trainer to stop, then waits, at
 * most {@link #WAIT_SECONDS}, for the command to end: the training thread, which keeps running during
 * shutdown, finishes its step, writes the checkpoint atomically, prints how to resume and returns its exit
 * code through {@link #exit}. The hook then ends the JVM with that code. The hook itself starts no thread
 * and writes no file (a JVM that is shutting down may refuse new work); everything stays on the training
 * thread, as in a run that was never interrupted.
 *
 * <p>If the command has not ended after {@link #WAIT_SECONDS} (a step or an evaluation that long), the hook
 * gives up and the JVM exits with the signal's code; the checkpoint already on disk, written atomically,
 * is intact. A second Ctrl-C does nothing while the hook waits (the JVM ignores it); SIGKILL still works.
 *
 * <p>Call order: {@link #install} just before training, {@link #close} right after it, and the program's
 * {@code main} hands the final exit code to {@link #exit} (tests that run the command in-process need none of it).
 */
public final class StopOnSignal implements AutoCloseable {
    /** How long the hook waits for the checkpoint and the command's last messages. */
    public static final long WAIT_SECONDS = 60;

    /** Counted down once, by {@link #exit}, when the command has ended (one command per JVM). */
    private static final CountDownLatch ENDED = new CountDownLatch(1);
    private static volatile int exitCode = 1;

    private final Thread hook;

    private StopOnSignal(String command, Runnable requestStop, PrintStream err) {
        this.hook = new Thread(() -> {
            requestStop.run();
            err.println();
            err.println(command + ": stopping at the end of this step to write a checkpoint (waiting at most "
                    + WAIT_SECONDS + " s) ...");
            boolean ended;
            try {
                ended = ENDED.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                ended = false;
            }
            if (ended) {
                System.out.flush();
                err.flush();
                // The JVM would exit 128 + signal; the command's own code says that a checkpoint was written.
                Runtime.getRuntime().halt(exitCode);
            }
            err.println(command + ": no checkpoint " + WAIT_SECONDS + " s after the signal; exiting without one "
                    + "(the last checkpoint written, if any, is intact)");
        }, "conv4j-stop-on-signal");
    }

    /**
     * Registers the hook; a signal from now on calls {@code requestStop} (once) instead of ending the JVM at once.
     *
     * @param command     the command's name, which starts its messages (as {@code "conv4j train"})
     * @param requestStop asks the trainer to stop at its next step boundary
     * @param err         where the messages go
     * @return the registration, to {@link #close} when training ends
     */
    public static StopOnSignal install(String command, Runnable requestStop, PrintStream err) {
        StopOnSignal s = new StopOnSignal(command, requestStop, err);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** Unregisters the hook, unless the JVM is already running it (then {@link #exit} lets it finish). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it waits for exit()
        }
    }

    /**
     * Ends the JVM with {@code code}. If a signal's hook is waiting, it is released and ends the JVM with
     * this code (here {@code System.exit} blocks, as it does during any shutdown).
     */
    public static void exit(int code) {
        exitCode = code;
        ENDED.countDown();
        System.exit(code);
    }
}
