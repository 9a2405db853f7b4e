package org.conv4j.optim;

/**
 * A learning-rate multiplier as a function of the optimizer step about to be taken (0 for the first step).
 * The trainer sets {@code lr = baseLr · factor(step)} before every {@link Optimizer#step()}. Schedules are
 * pure functions of the step, so a resumed run gets exactly the same rates. Compose with {@link #times}
 * or {@link #after}.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * {@return the learning-rate multiplier for this step}
     *
     * @param step the 0-based optimizer step about to be taken
     */
    double factor(long step);

    /** {@return the schedule whose factor is always 1} */
    static LrSchedule constant() { return s -> 1.0; }

    /** torch StepLR: multiplied by {@code gamma} every {@code everySteps} steps. */
    static LrSchedule step(long everySteps, double gamma) {
        if (everySteps < 1) throw new IllegalArgumentException("step schedule: period must be at least 1 step, got " + everySteps);
        return s -> Math.pow(gamma, s / everySteps);
    }

    /** torch CosineAnnealingLR: from 1 down to {@code minFactor} over {@code totalSteps}, then flat. */
    static LrSchedule cosine(long totalSteps, double minFactor) {
        if (totalSteps < 1) throw new IllegalArgumentException("cosine schedule: needs at least 1 step, got " + totalSteps);
        return s -> {
            double t = Math.min(s, totalSteps) / (double) totalSteps;
            return minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * t)) / 2;
        };
    }

    /** Linear warm-up: factor (s+1)/warmupSteps for the first warm-up steps, then 1. */
    static LrSchedule warmup(long warmupSteps) {
        if (warmupSteps < 1) throw new IllegalArgumentException("warm-up needs at least 1 step, got " + warmupSteps);
        return s -> s < warmupSteps ? (s + 1) / (double) warmupSteps : 1.0;
    }

    /**
     * torch OneCycleLR (cosine annealing, two phases, no momentum cycling): from {@code 1/divFactor} up to 1
     * over the first {@code pctStart} of the steps, then down to {@code 1/(divFactor·finalDivFactor)}.
     * torch's defaults are pctStart 0.3, divFactor 25, finalDivFactor 1e4.
     */
    static LrSchedule oneCycle(long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        if (totalSteps < 2) throw new IllegalArgumentException("one-cycle schedule needs at least 2 steps, got " + totalSteps);
        double initial = 1 / divFactor, min = initial / finalDivFactor;
        double end1 = pctStart * totalSteps - 1, end2 = totalSteps - 1;
        return s -> {
            double x = Math.min(s, totalSteps - 1);
            if (x <= end1) return anneal(initial, 1, x / end1);
            return anneal(1, min, (x - end1) / (end2 - end1));
        };
    }

    private static double anneal(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }

    /** The product of two schedules (e.g. warm-up times step decay). */
    default LrSchedule times(LrSchedule other) { return s -> factor(s) * other.factor(s); }

    /** This schedule for the first {@code steps} steps, then {@code next} counted from 0 again. */
    default LrSchedule then(long steps, LrSchedule next) { return s -> s < steps ? factor(s) : next.factor(s - steps); }

    /** {@code warmup} for its steps, then {@code this} counted from the end of warm-up. */
    default LrSchedule after(long warmupSteps) { return warmup(warmupSteps).then(warmupSteps, this); }
}
