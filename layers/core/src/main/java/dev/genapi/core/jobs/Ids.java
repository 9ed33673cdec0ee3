package dev.genapi.core.jobs;

import dev.genapi.core.random.Entropy;
import java.util.regex.Pattern;

/** Unguessable ids: 122 random bits (laid out as a v4 UUID), as 32 hex digits after a type prefix. */
public final class Ids {

    private static final Pattern JOB_ID = Pattern.compile("job_[0-9a-f]{32}");
    private static final Pattern BATCH_ID = Pattern.compile("batch_[0-9a-f]{32}");

    private Ids() {
    }

    public static String newJobId() {
        return "job_" + randomHex();
    }

    public static String newBatchId() {
        return "batch_" + randomHex();
    }

    /** Producers may choose a job's id; it must look like ours, so that ids stay unguessable. */
    public static boolean isJobId(String id) {
        return id != null && JOB_ID.matcher(id).matches();
    }

    /** Whether an id can be a batch's: anything else is answered 404 without a lookup. */
    public static boolean isBatchId(String id) {
        return id != null && BATCH_ID.matcher(id).matches();
    }

    private static String randomHex() {
        return Entropy.uuidHex();
    }
}
