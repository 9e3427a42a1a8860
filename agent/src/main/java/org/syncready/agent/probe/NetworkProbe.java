package org.syncready.agent.probe;

import org.syncready.protocol.NetworkStatus;

/** The box's uplink: link state and reachability of the hosts the box depends on. */
public interface NetworkProbe extends Probe<NetworkStatus> {
    @Override
    default String name() {
        return "network";
    }
}
