package org.clocksync.node.ntp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.clocksync.node.net.Loopback;

/**
 * Sends the node's own NTP server a few thousand requests over loopback before clients come: interpreted code puts
 * hundreds of microseconds between a packet's arrival and its receive timestamp, which an NTP client reads as offset.
 */
final class NtpWarmup {
    /** Compilation is slow on a crowded machine; the daemon must not wait long for it. */
    static final long BUDGET_NANOS = 2_000_000_000L;
    static final int MAX_EXCHANGES = 20_000;
    private static final int IN_FLIGHT = 8;
    private static final int RECEIVE_TIMEOUT_MILLIS = 500;

    private NtpWarmup() {
    }

    /**
     * Exchanges up to {@code exchanges} requests with the server bound at {@code bound}; the handler neither rate
     * limits nor counts them. Returns the number answered.
     */
    static int run(NtpServerHandler handler, InetSocketAddress bound, int exchanges) throws IOException {
        int total = Math.min(exchanges, MAX_EXCHANGES);
        if (total <= 0) {
            return 0;
        }
        InetSocketAddress target = Loopback.reach(bound);
        byte[] request = new byte[48];
        request[0] = 0x23; // version 4, client
        byte[] answer = new byte[2048];
        long started = System.nanoTime();
        int sent = 0;
        int received = 0;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(target.getAddress(), 0))) {
            socket.setSoTimeout(RECEIVE_TIMEOUT_MILLIS);
            socket.connect(target);
            handler.warmupClient((InetSocketAddress) socket.getLocalSocketAddress());
            DatagramPacket out = new DatagramPacket(request, request.length);
            DatagramPacket in = new DatagramPacket(answer, answer.length);
            for (; sent < Math.min(IN_FLIGHT, total); sent++) {
                socket.send(out);
            }
            while (received < sent && System.nanoTime() - started < BUDGET_NANOS) {
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException e) {
                    break;
                }
                received++;
                if (sent < total) {
                    socket.send(out);
                    sent++;
                }
            }
        } finally {
            handler.warmupClient(null);
        }
        return received;
    }
}
