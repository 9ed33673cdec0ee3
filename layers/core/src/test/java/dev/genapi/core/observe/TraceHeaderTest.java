package dev.genapi.core.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceHeaderTest {

    @Test
    void readsRootParentAndSampling() {
        TraceHeader header = TraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
                .orElseThrow();
        assertThat(header.rootId()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(header.parentId()).isEqualTo("53995c3f42cd8ad8");
        assertThat(header.sampled()).isTrue();
        assertThat(TraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793").orElseThrow().sampled()).isFalse();
    }

    @Test
    void aHeaderWithoutARootIsNone() {
        assertThat(TraceHeader.parse(null)).isEmpty();
        assertThat(TraceHeader.parse("")).isEmpty();
        assertThat(TraceHeader.parse("Parent=53995c3f42cd8ad8;Sampled=1")).isEmpty();
    }
}
