package dev.gateway.node.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * An ordered, case-insensitive multimap of HTTP header fields, kept as two parallel arrays
 * so that copying and scanning the ten-odd headers of a typical request costs little.
 *
 * <p>Not thread-safe: a {@code Headers} belongs to one request or response at a time. An
 * interceptor that changes headers works on {@link #copy()} and passes the copy on.
 */
public final class Headers {
    private String[] names;
    private String[] values;
    private int size;

    public Headers() {
        this(16);
    }

    public Headers(int capacity) {
        names = new String[Math.max(capacity, 4)];
        values = new String[names.length];
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    public List<String> getAll(String name) {
        List<String> all = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                all.add(values[i]);
            }
        }
        return all;
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    public Headers add(String name, String value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
        return this;
    }

    /** Replaces every value of {@code name} with one. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every field named {@code name}; returns whether any was present. */
    public boolean remove(String name) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!names[i].equalsIgnoreCase(name)) {
                names[kept] = names[i];
                values[kept] = values[i];
                kept++;
            }
        }
        boolean removed = kept != size;
        for (int i = kept; i < size; i++) {
            names[i] = null;
            values[i] = null;
        }
        size = kept;
        return removed;
    }

    /** Removes, in one pass, every field whose name {@code test} accepts; returns how many went. */
    public int removeIf(Predicate<String> test) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!test.test(names[i])) {
                names[kept] = names[i];
                values[kept] = values[i];
                kept++;
            }
        }
        int removed = size - kept;
        for (int i = kept; i < size; i++) {
            names[i] = null;
            values[i] = null;
        }
        size = kept;
        return removed;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(names[i], values[i]);
        }
    }

    public Headers copy() {
        Headers copy = new Headers(size + 4);
        System.arraycopy(names, 0, copy.names, 0, size);
        System.arraycopy(values, 0, copy.values, 0, size);
        copy.size = size;
        return copy;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append(": ").append(values[i]);
        }
        return sb.append('}').toString();
    }
}
