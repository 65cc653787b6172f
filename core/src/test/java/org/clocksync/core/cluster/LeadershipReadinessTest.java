package org.clocksync.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LeadershipReadinessTest {
    @Test
    void aNodeIsReadyUntilMadeNotReadyAndCorrectionsThenDoNotCount() {
        LeadershipReadiness readiness = new LeadershipReadiness(3);
        assertThat(readiness.ready()).isTrue();
        assertThat(readiness.corrected()).isFalse();
        assertThat(readiness.correctionsWhileFollowing()).isZero();
    }

    @Test
    void becomesReadyOnTheNthCorrectionExactlyOnce() {
        LeadershipReadiness readiness = new LeadershipReadiness(3);
        readiness.set(false);
        assertThat(readiness.corrected()).isFalse();
        assertThat(readiness.corrected()).isFalse();
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.correctionsWhileFollowing()).isEqualTo(2);
        assertThat(readiness.corrected()).as("the third correction").isTrue();
        assertThat(readiness.ready()).isTrue();
        assertThat(readiness.corrected()).as("already ready: nothing new").isFalse();
        assertThat(readiness.correctionsWhileFollowing()).isEqualTo(3);
    }

    @Test
    void followingAnotherCoordinatorStartsTheCountAgain() {
        LeadershipReadiness readiness = new LeadershipReadiness(2);
        readiness.set(false);
        readiness.corrected();
        readiness.followed();
        assertThat(readiness.correctionsWhileFollowing()).isZero();
        assertThat(readiness.corrected()).isFalse();
        assertThat(readiness.corrected()).isTrue();
    }

    @Test
    void beingMadeNotReadyAgainStartsOver() {
        LeadershipReadiness readiness = new LeadershipReadiness(1);
        readiness.set(false);
        assertThat(readiness.corrected()).isTrue();
        readiness.set(false);
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.correctionsWhileFollowing()).isZero();
    }

    @Test
    void refusesANonPositiveCountAndTheConfigBoundsIt() {
        assertThatThrownBy(() -> new LeadershipReadiness(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClusterConfig.defaults().correctionsBeforeLeading()).isEqualTo(3);
        assertThatThrownBy(() -> ClusterConfig.defaults().withCorrectionsBeforeLeading(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrections before leading");
        assertThatThrownBy(() -> ClusterConfig.defaults()
                .withCorrectionsBeforeLeading(ClusterConfig.MAX_CORRECTIONS_BEFORE_LEADING + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ClusterConfig.defaults().withCorrectionsBeforeLeading(5).withElection(ElectionAlgorithm.RING)
                .correctionsBeforeLeading()).as("kept by the with* copies").isEqualTo(5);
    }
}
