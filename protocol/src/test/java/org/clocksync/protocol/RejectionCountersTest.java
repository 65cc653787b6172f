package org.clocksync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RejectionCountersTest {

    @Test
    void countsPerReasonAndInTotal() {
        RejectionCounters counters = new RejectionCounters();
        counters.rejected(RejectReason.BAD_MAGIC);
        counters.rejected(RejectReason.BAD_MAGIC);
        counters.rejected(RejectReason.TRUNCATED);
        assertThat(counters.count(RejectReason.BAD_MAGIC)).isEqualTo(2);
        assertThat(counters.count(RejectReason.OVERSIZE)).isZero();
        assertThat(counters.total()).isEqualTo(3);
        assertThat(counters.snapshot()).hasSize(RejectReason.values().length)
                .containsEntry(RejectReason.BAD_MAGIC, 2L).containsEntry(RejectReason.TRUNCATED, 1L)
                .containsEntry(RejectReason.BAD_PAYLOAD, 0L);
    }

    @Test
    void snapshotIsAnUnmodifiableCopy() {
        RejectionCounters counters = new RejectionCounters();
        var snapshot = counters.snapshot();
        counters.rejected(RejectReason.OVERSIZE);
        assertThat(snapshot).containsEntry(RejectReason.OVERSIZE, 0L);
        assertThatThrownBy(() -> snapshot.put(RejectReason.OVERSIZE, 5L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void countsFromManyThreads() throws Exception {
        RejectionCounters counters = new RejectionCounters();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int t = 0; t < 4; t++) {
                pool.execute(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        counters.rejected(RejectReason.values()[i % RejectReason.values().length]);
                    }
                });
            }
        } finally {
            pool.shutdown();
        }
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(counters.total()).isEqualTo(40_000);
    }

    @Test
    void onlyTheAuthenticationFailuresDropTheFrameAndKeepTheConnection() {
        assertThat(RejectReason.values()).filteredOn(RejectReason::dropsFrameOnly)
                .containsExactly(RejectReason.MISSING_TAG, RejectReason.UNKNOWN_KEY, RejectReason.BAD_TAG, RejectReason.REPLAYED,
                        RejectReason.MISDIRECTED);
    }

    @Test
    void metricLabelsAreLowerCaseNames() {
        assertThat(RejectReason.BAD_MAGIC.metricLabel()).isEqualTo("bad_magic");
        assertThat(RejectReason.values()).extracting(RejectReason::metricLabel)
                .containsExactly("truncated", "oversize", "bad_magic", "bad_version", "unknown_type", "bad_header", "bad_payload",
                        "missing_tag", "unexpected_tag", "unknown_key", "bad_tag", "replayed", "misdirected");
    }
}
