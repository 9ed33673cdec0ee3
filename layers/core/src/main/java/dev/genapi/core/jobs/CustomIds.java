package dev.genapi.core.jobs;

import dev.genapi.core.encoding.Text;

/** A batch entry's or a producer's {@code customId}: the caller's own name for a job, echoed back as given. */
public final class CustomIds {

    public static final int MAX_LENGTH = 128;
    public static final String RULE = "must be a string of 1 to " + MAX_LENGTH + " characters, without control characters";

    private CustomIds() {
    }

    public static boolean valid(String customId) {
        return !customId.isEmpty() && customId.length() <= MAX_LENGTH && !Text.hasControlCharacter(customId);
    }
}
