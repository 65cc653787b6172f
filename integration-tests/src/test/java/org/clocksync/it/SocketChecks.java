package org.clocksync.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** What a hostile-input test asks of a raw socket it opened to a daemon. */
final class SocketChecks {
    private SocketChecks() {
    }

    /** True when the peer closes (EOF or reset) before the socket's read timeout; drains what it sends meanwhile. */
    static boolean closedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] sink = new byte[4096];
        try {
            for (int i = 0; i < 1000; i++) {
                if (in.read(sink) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
