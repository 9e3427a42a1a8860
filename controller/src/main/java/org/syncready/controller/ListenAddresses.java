package org.syncready.controller;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the controller's listeners are, and what it says about a plain one off loopback. */
final class ListenAddresses {
    private static final Logger log = LoggerFactory.getLogger(ListenAddresses.class);

    private ListenAddresses() {
    }

    /** Plain listeners belong on loopback; on the network they carry passwords in clear text. */
    static void warnIfPlainOnNetwork(String what, String configured, String plainBind, int port) {
        if (!isLoopback(plainBind)) {
            log.warn("plain {} listens on {}:{}, off loopback (--allow-plain-on-network): passwords and configurations "
                    + "cross the network in clear text; use it only on a network you trust", what, plainBind, port);
        } else if (!plainBind.equals(configured)) {
            log.info("plain {} stays on {} (port {}); {} is for TLS only (--allow-plain-on-network opens plain {} there too)",
                    what, plainBind, port, configured, what);
        }
    }

    /** An address a client on this machine can connect to for a listener bound to {@code bind}. */
    static String reachable(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") ? ControllerConfig.LOOPBACK : bind;
    }

    static int freePort(String bind) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(bind))) {
            return socket.getLocalPort();
        }
    }

    /** A configured bind address, stripped; {@code name} says which option it is in the error. */
    static String address(String v, String name) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " must be an address, e.g. 127.0.0.1 or 0.0.0.0");
        }
        return v.strip();
    }

    /** A configured port, 0..65535 (0: a free one). */
    static int port(int v, String name) {
        if (v < 0 || v > 65_535) {
            throw new IllegalArgumentException(name + " must be 0..65535, was " + v);
        }
        return v;
    }

    /** True when {@code address} is a loopback address (a literal, or a name that resolves to one). */
    public static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
