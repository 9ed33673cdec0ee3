package dev.genapi.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians and percentiles of measured samples. */
record Samples(List<Double> values) {

    static Samples of(List<? extends Number> numbers) {
        List<Double> sorted = new ArrayList<>();
        numbers.forEach(n -> sorted.add(n.doubleValue()));
        Collections.sort(sorted);
        return new Samples(sorted);
    }

    double percentile(double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * values.size()) - 1;
        return values.get(Math.max(0, Math.min(values.size() - 1, index)));
    }

    double median() {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
