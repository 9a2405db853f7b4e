package org.conv4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conv4j.io.FormatException;

/** Class names of the standard datasets, and reading them from a dataset's own name files. */
public final class ClassNames {
    private ClassNames() {}

    /** MNIST's ten digits, "0" to "9". */
    public static final List<String> MNIST = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** Fashion-MNIST's ten clothing classes, in label order. */
    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** KMNIST's ten hiragana, romanised as in its classmap (o, ki, su, tsu, na, ha, ma, ya, re, wo). */
    public static final List<String> KMNIST = List.of("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo");

    /** CIFAR-10's ten classes, in label order. */
    public static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** CIFAR-100's 100 fine classes, in label order. */
    public static final List<String> CIFAR100 = List.of("apple", "aquarium_fish", "baby", "bear", "beaver", "bed",
            "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can",
            "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab",
            "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster",
            "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man",
            "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter",
            "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum",
            "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk",
            "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table",
            "tank", "telephone", "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe",
            "whale", "willow_tree", "wolf", "woman", "worm");

    /** CIFAR-100's 20 coarse superclasses, in label order. */
    public static final List<String> CIFAR100_COARSE = List.of("aquatic_mammals", "fish", "flowers",
            "food_containers", "fruit_and_vegetables", "household_electrical_devices", "household_furniture",
            "insects", "large_carnivores", "large_man-made_outdoor_things", "large_natural_outdoor_scenes",
            "large_omnivores_and_herbivores", "medium_mammals", "non-insect_invertebrates", "people", "reptiles",
            "small_mammals", "trees", "vehicles_1", "vehicles_2");

    /** Largest name file read (bytes): a list of class names, not a data file. */
    static final long MAX_NAME_FILE = 1 << 20;

    /**
     * {@return the names "0", "1", ... "k-1"}
     *
     * @param k the number of classes
     */
    public static List<String> numbered(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) names.add(Integer.toString(i));
        return List.copyOf(names);
    }

    /** Non-empty lines of a small text file, trimmed. */
    static List<String> readLines(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_NAME_FILE) {
            throw new FormatException(file, "is " + size + " bytes; a class-name file is at most " + MAX_NAME_FILE);
        }
        List<String> out = new ArrayList<>();
        for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\r?\n")) {
            String t = line.strip();
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    /** Names from {@code classes.txt} in {@code dir} if present and long enough, else null. */
    static List<String> fromClassesTxt(Path dir, int needed) throws IOException {
        Path f = dir.resolve("classes.txt");
        if (!Files.isRegularFile(f)) return null;
        List<String> names = readLines(f);
        if (names.size() < needed) {
            throw new FormatException(f, "names " + names.size() + " classes but the labels use " + needed);
        }
        return List.copyOf(names);
    }

    static List<String> forIdx(Path dir, String prefix, String datasetName, int needed) throws IOException {
        List<String> own = fromClassesTxt(dir, needed);
        if (own != null) return own;
        Path mapping = dir.resolve(prefix + "mapping.txt");
        if (prefix.startsWith("emnist") && Files.isRegularFile(mapping)) return emnistMapping(mapping, needed);
        List<String> known = switch (datasetName) {
            case "Fashion-MNIST" -> FASHION_MNIST;
            case "KMNIST" -> KMNIST;
            case "MNIST" -> MNIST;
            default -> null;
        };
        if (known != null && known.size() >= needed) return known;
        return numbered(Math.max(needed, 1));
    }

    /** EMNIST's "label ascii-code" lines, e.g. "10 65" for 'A'. */
    static List<String> emnistMapping(Path file, int needed) throws IOException {
        List<String> lines = readLines(file);
        String[] names = new String[Math.max(needed, lines.size())];
        for (String line : lines) {
            String[] parts = line.split("\\s+");
            try {
                int label = Integer.parseInt(parts[0]);
                int code = Integer.parseInt(parts[1]);
                if (parts.length != 2 || label < 0 || label >= names.length || !Character.isValidCodePoint(code)) {
                    throw new NumberFormatException();
                }
                names[label] = new String(Character.toChars(code));
            } catch (RuntimeException e) {
                throw new FormatException(file, "line '" + line + "' is not 'label ascii-code'");
            }
        }
        for (int i = 0; i < names.length; i++) if (names[i] == null) names[i] = Integer.toString(i);
        return List.copyOf(Arrays.asList(names));
    }
}
