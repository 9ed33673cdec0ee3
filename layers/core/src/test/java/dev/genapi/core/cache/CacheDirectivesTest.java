package dev.genapi.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheDirectivesTest {

    @Test
    void readsNoCacheAndNoStoreInAnyCaseAndOrder() {
        assertThat(CacheDirectives.parse(Optional.empty())).isEqualTo(CacheDirectives.NONE);
        assertThat(CacheDirectives.parse(Optional.of("No-Cache"))).isEqualTo(new CacheDirectives(true, false));
        assertThat(CacheDirectives.parse(Optional.of("max-age=0, NO-STORE"))).isEqualTo(new CacheDirectives(false, true));
        assertThat(CacheDirectives.parse(Optional.of("no-store,no-cache"))).isEqualTo(new CacheDirectives(true, true));
        assertThat(CacheDirectives.parse(Optional.of("no-cache-please"))).isEqualTo(CacheDirectives.NONE);
    }
}
