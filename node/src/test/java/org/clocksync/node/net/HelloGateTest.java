package org.clocksync.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.clocksync.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

class HelloGateTest {
    private final HelloGate keyless = new HelloGate("the master", 5, 3, false);
    private final HelloGate keyed = new HelloGate("the master", 5, 3, true);
    private final EmbeddedChannel connected = new EmbeddedChannel();

    @Test
    void admitsANewMember() {
        assertThat(keyless.judge(1, true, false, null, 0)).isInstanceOf(HelloGate.Admit.class);
    }

    @Test
    void refusesWithOneReasonEach() {
        assertThat(why(keyless.judge(1, false, false, null, 0))).isEqualTo("starting");
        assertThat(why(keyless.judge(1, true, true, null, 0))).isEqualTo("duplicate_hello");
        assertThat(why(keyless.judge(5, true, false, null, 0))).isEqualTo("own_id");
        assertThat(why(keyless.judge(1, true, false, null, 3))).isEqualTo("member_limit");
        HelloGate.Refuse duplicate = (HelloGate.Refuse) keyless.judge(1, true, false, connected, 1);
        assertThat(duplicate.why()).isEqualTo("duplicate_id");
        assertThat(duplicate.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(duplicate.text()).contains("already connected");
    }

    @Test
    void aSignedHelloForAConnectedIdReplacesTheOldConnectionOnlyWithAKey() {
        assertThat(keyed.judge(1, true, false, connected, 1)).isEqualTo(new HelloGate.Replace(connected));
        assertThat(keyless.judge(1, true, false, connected, 1)).isInstanceOf(HelloGate.Refuse.class);
    }

    private static String why(HelloGate.Verdict v) {
        return ((HelloGate.Refuse) v).why();
    }
}
