package dev.genapi.core.random;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Every random value genapi makes: ids, reservation ids, trace ids, retry jitter. One source, so that
 * {@link #renew()} can make it unique again when SnapStart resumes many containers from one snapshot
 * (whatever state a generator had when the snapshot was taken, every container would otherwise share).
 */
public final class Entropy {

    private static final HexFormat HEX = HexFormat.of();
    private static volatile RandomGenerator source = new SecureRandom();

    private Entropy() {
    }

    /** 122 random bits laid out as a version-4 UUID, as 32 lower-case hex digits. */
    public static String uuidHex() {
        byte[] bytes = new byte[16];
        source.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        return HEX.formatHex(bytes);
    }

    public static long nextLong() {
        return source.nextLong();
    }

    /** A generator that always draws from the current source, also after {@link #renew()}. */
    public static RandomGenerator generator() {
        return () -> source.nextLong();
    }

    /** A new source seeded afresh from the operating system: for a container resumed from a snapshot. */
    public static void renew() {
        SecureRandom fresh = new SecureRandom();
        fresh.setSeed(fresh.generateSeed(32));
        source = fresh;
    }

    /**
     * Puts a source in place as if a snapshot had captured it: for tests that show what {@link #renew()}
     * does for containers resumed from the same snapshot.
     */
    public static void captureForTest(RandomGenerator captured) {
        source = captured;
    }
}
