package io.ktap.host;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A test handler: counts the samples that match, keeps copies of them, and adds up lost counts. */
final class Counter implements SampleHandler {
    private final Predicate<SampleView> filter;
    final List<Sample> kept = new ArrayList<>();
    long matched;
    long all;
    long lost;
    int lostReports;

    Counter(Predicate<SampleView> filter) {
        this.filter = filter;
    }

    @Override
    public void onSample(SampleView sample) {
        all++;
        if (filter.test(sample)) {
            matched++;
            if (kept.size() < 100_000) {
                kept.add(sample.toSample());
            }
        }
    }

    @Override
    public void onLost(int cpu, long count) {
        lost += count;
        lostReports++;
    }
}
