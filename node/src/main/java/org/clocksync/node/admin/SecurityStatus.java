package org.clocksync.node.admin;

import java.util.Map;

/**
 * The {@code security} block of /status: key ids (never secrets; null without a key file), TLS, and frames rejected
 * by reason label (a map: its keys are the labels seen so far).
 */
public record SecurityStatus(boolean authenticated, String keyIds, Integer signingKeyId, boolean tls,
        long tlsHandshakesFailed, Map<String, Long> framesRejected) {
}
