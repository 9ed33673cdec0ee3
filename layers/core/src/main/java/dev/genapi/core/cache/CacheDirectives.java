package dev.genapi.core.cache;

import java.util.Locale;
import java.util.Optional;

/**
 * What a request's {@code Cache-Control} asks of the response cache: {@code no-cache} skips the read but
 * stores the fresh result; {@code no-store} neither reads nor writes. Other directives are ignored.
 */
public record CacheDirectives(boolean noCache, boolean noStore) {

    public static final CacheDirectives NONE = new CacheDirectives(false, false);

    public static CacheDirectives parse(Optional<String> cacheControl) {
        boolean noCache = false;
        boolean noStore = false;
        for (String directive : cacheControl.orElse("").split(",")) {
            String name = directive.split("=", 2)[0].trim().toLowerCase(Locale.ROOT);
            noCache |= name.equals("no-cache");
            noStore |= name.equals("no-store");
        }
        return new CacheDirectives(noCache, noStore);
    }
}
