package org.syncready.controller.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where a request comes from: only the loopback address opens /metrics without a login. */
class AccessGuardTest {

    @Test
    void onlyLoopbackAddressesCountAsLocal() {
        for (String local : new String[] {"127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1"}) {
            assertTrue(AccessGuard.loopbackAddress(local), local);
        }
        for (String remote : new String[] {"10.0.0.5", "192.168.1.20", "172.16.0.1", "fe80::1", "2001:db8::1", "0.0.0.0",
                "localhost", "", null, "127.0.0.1.example.org"}) {
            assertFalse(AccessGuard.loopbackAddress(remote), String.valueOf(remote));
        }
    }
}
