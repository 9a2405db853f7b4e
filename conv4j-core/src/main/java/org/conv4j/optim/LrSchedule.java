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

    /**
     * {@return torch StepLR: multiplied by {@code gamma} every {@code everySteps} steps}
     *
     * @param everySteps the period in steps, at least 1
     * @param gamma      the factor applied each period
     * @throws IllegalArgumentException if {@code everySteps} is below 1
     */
    static LrSchedule step(long everySteps, double gamma) {
        if (everySteps < 1) throw new IllegalArgumentException("step schedule: period must be at least 1 step, got " + everySteps);
        return s -> Math.pow(gamma, s / everySteps);
    }

    /**
     * {@return torch CosineAnnealingLR: from 1 down to {@code minFactor} over {@code totalSteps}, then flat}
     *
     * @param totalSteps the length of the annealing, at least 1
     * @param minFactor  the final factor
     * @throws IllegalArgumentException if {@code totalSteps} is below 1
     */
    static LrSchedule cosine(long totalSteps, double minFactor) {
        if (totalSteps < 1) throw new IllegalArgumentException("cosine schedule: needs at least 1 step, got " + totalSteps);
        return s -> {
            double t = Math.min(s, totalSteps) / (double) totalSteps;
            return minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * t)) / 2;
        };
    }

    /**
     * {@return linear warm-up: factor (s+1)/warmupSteps for the first warm-up steps, then 1}
     *
     * @param warmupSteps the warm-up length, at least 1
     * @throws IllegalArgumentException if {@code warmupSteps} is below 1
     */
    static LrSchedule warmup(long warmupSteps) {
        if (warmupSteps < 1) throw new IllegalArgumentException("warm-up needs at least 1 step, got " + warmupSteps);
        return s -> s < warmupSteps ? (s + 1) / (double) warmupSteps : 1.0;
    }

    /**
     * torch OneCycleLR (cosine annealing, two phases, no momentum cycling): from {@code 1/divFactor} up to 1
     * over the first {@code pctStart} of the steps, then down to {@code 1/(divFactor·finalDivFactor)}.
     * torch's defaults are pctStart 0.3, divFactor 25, finalDivFactor 1e4.
     *
     * @param totalSteps     the cycle's length, at least 2
     * @param pctStart       fraction of the steps spent rising
     * @param divFactor      the initial factor is {@code 1/divFactor}
     * @param finalDivFactor the final factor is {@code 1/(divFactor·finalDivFactor)}
     * @return the schedule
     * @throws IllegalArgumentException if {@code totalSteps} is below 2
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

    /**
     * {@return the product of this schedule and {@code other} (e.g. warm-up times step decay)}
     *
     * @param other the other schedule
     */
    default LrSchedule times(LrSchedule other) { return s -> factor(s) * other.factor(s); }

    /**
     * {@return this schedule for the first {@code steps} steps, then {@code next} counted from 0 again}
     *
     * @param steps how many steps this schedule runs
     * @param next  the schedule that follows
     */
    default LrSchedule then(long steps, LrSchedule next) { return s -> s < steps ? factor(s) : next.factor(s - steps); }

    /**
     * {@return {@link #warmup} for its steps, then this schedule counted from the end of warm-up}
     *
     * @param warmupSteps the warm-up length, at least 1
     * @throws IllegalArgumentException if {@code warmupSteps} is below 1
     */
    default LrSchedule after(long warmupSteps) { return warmup(warmupSteps).then(warmupSteps, this); }
}
