package dev.genapi.core.usage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** A budget period in UTC: the day or the month an instant falls in. */
public enum Period {
    DAY, MONTH;

    /** The period's name, e.g. {@code 2026-11-23} or {@code 2026-11}. */
    public String label(Instant at) {
        LocalDate date = at.atZone(ZoneOffset.UTC).toLocalDate();
        return this == DAY ? date.toString() : date.toString().substring(0, 7);
    }

    /** When the period that holds {@code at} ends and a fresh budget begins. */
    public Instant resetsAt(Instant at) {
        ZonedDateTime start = at.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        return (this == DAY ? start.plusDays(1) : start.withDayOfMonth(1).plusMonths(1)).toInstant();
    }

    public String jsonName() {
        return this == DAY ? "day" : "month";
    }
}
