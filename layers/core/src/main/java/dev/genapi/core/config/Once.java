package dev.genapi.core.config;

import java.util.function.Supplier;

/**
 * A value made on its first {@code get()}, once, however many threads ask: for what a container should pay
 * for only if a request needs it (a model client, a secret read from SSM).
 */
public final class Once<T> implements Supplier<T> {

    private final Supplier<T> make;
    private volatile T value;

    private Once(Supplier<T> make) {
        this.make = make;
    }

    public static <T> Once<T> of(Supplier<T> make) {
        return new Once<>(make);
    }

    @Override
    public T get() {
        T made = value;
        if (made == null) {
            synchronized (this) {
                made = value;
                if (made == null) {
                    made = make.get();
                    value = made;
                }
            }
        }
        return made;
    }
}
