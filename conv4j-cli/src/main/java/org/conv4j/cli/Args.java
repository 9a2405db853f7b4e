package org.conv4j.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line arguments: {@code --name value}, {@code --name=value}, boolean {@code --flag}s
 * and positional words. Every option a command reads is checked off; {@link #finish()} rejects the rest,
 * so a typo is an error, not a silently ignored setting.
 */
public final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> used = new HashSet<>();

    /** @param flags names of options that take no value (without the dashes) */
    public static Args parse(String[] argv, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.equals("--")) {
                for (i++; i < argv.length; i++) a.positional.add(argv[i]);
            } else if (s.startsWith("--") && s.length() > 2) {
                String name = s.substring(2), value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (flags.contains(name)) {
                    value = "true";
                } else if (i + 1 < argv.length) {
                    value = argv[++i];
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
                if (a.options.put(name, value) != null) throw new UsageException("option --" + name + " given twice");
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    public boolean has(String name) { used.add(name); return options.containsKey(name); }

    public boolean flag(String name) {
        used.add(name);
        String v = options.get(name);
        if (v == null) return false;
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new UsageException("--" + name + " is a flag (true or false), got '" + v + "'");
    }

    public String string(String name, String def) {
        used.add(name);
        return options.getOrDefault(name, def);
    }

    public String required(String name) {
        used.add(name);
        String v = options.get(name);
        if (v == null) throw new UsageException("missing required option --" + name);
        return v;
    }

    public int integer(String name, int def) {
        String v = string(name, null);
        if (v == null) return def;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public int positiveInt(String name, int def) {
        int v = integer(name, def);
        if (v < 1) throw new UsageException("--" + name + " must be at least 1, got " + v);
        return v;
    }

    public double number(String name, double def) {
        String v = string(name, null);
        if (v == null) return def;
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    public long longValue(String name, long def) {
        String v = string(name, null);
        if (v == null) return def;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    public List<String> positional() { return List.copyOf(positional); }

    /** Fails on any option no one asked for. */
    public void finish() {
        for (String k : options.keySet()) {
            if (!used.contains(k)) throw new UsageException("unknown option --" + k);
        }
    }

    /** Bad command-line usage; the CLI prints the message and exits with {@link Command#USAGE}. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) { super(message); }
    }
}
