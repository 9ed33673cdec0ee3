package dev.genapi.local.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.observe.Records;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What the local page reads of the records the handlers write: the last few, each with the values of its
 * EMF metrics, and, since the stack started, every metric's total and the count of each kind of record. The
 * totals are kept apart from the recent records so that they stay exact once old records have left the
 * buffer; they are summed as decimals, so that the page's cost is the records' cost to the last digit.
 */
public final class RecentRecords implements Consumer<ObjectNode>, AutoCloseable {

    public static final int CAPACITY = 500;

    private final int capacity;
    private final Clock clock;
    private final Deque<ObjectNode> recent = new ArrayDeque<>();
    private final Map<String, BigDecimal> totals = new TreeMap<>();
    private final Map<String, Long> kinds = new TreeMap<>();
    private long seen;

    RecentRecords(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Starts keeping every record written from now on; {@link #close} stops. */
    public static RecentRecords listening(int capacity, Clock clock) {
        RecentRecords records = new RecentRecords(capacity, clock);
        Records.listen(records);
        return records;
    }

    @Override
    public void accept(ObjectNode record) {
        Map<String, BigDecimal> metrics = EmfMetrics.of(record);
        // The handler's node is copied: the page serialises it later, on another thread.
        ObjectNode fields = record.deepCopy();
        fields.remove("_aws");
        ObjectNode entry = Json.object();
        synchronized (this) {
            seen++;
            kinds.merge(record.path("record").asText("unknown"), 1L, Long::sum);
            entry.put("seq", seen).set("record", fields);
            ObjectNode values = entry.putObject("metrics");
            metrics.forEach((name, value) -> {
                values.put(name, value);
                totals.merge(name, value, BigDecimal::add);
            });
            recent.addLast(entry);
            if (recent.size() > capacity) {
                recent.removeFirst();
            }
        }
    }

    /**
     * {@code {now, seen, capacity, kinds: {request: n, job: n}, totals: {metric: sum}, recent: [{seq, record,
     * metrics}]}}, the recent ones oldest first.
     */
    public byte[] json() {
        List<ObjectNode> entries;
        ObjectNode document = Json.object().put("now", clock.millis()).put("capacity", capacity);
        synchronized (this) {
            entries = List.copyOf(recent);
            document.put("seen", seen);
            ObjectNode counts = document.putObject("kinds");
            kinds.forEach(counts::put);
            ObjectNode sums = document.putObject("totals");
            totals.forEach(sums::put);
        }
        entries.forEach(document.putArray("recent")::add);
        return Json.write(document).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        Records.stopListening(this);
    }
}
