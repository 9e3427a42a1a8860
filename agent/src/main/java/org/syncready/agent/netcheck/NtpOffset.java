package org.syncready.agent.netcheck;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.TimeInfo;

/**
 * The box clock minus an NTP server's time (positive: the box is ahead), as PROTOCOL.md defines
 * {@code ntpOffsetMs}; one SNTP exchange. (commons-net's offset has the opposite sign.)
 */
public final class NtpOffset {
    private final String server;
    private final int port;
    private final Duration timeout;

    public NtpOffset(String server, int port, Duration timeout) {
        this.server = server;
        this.port = port;
        this.timeout = timeout;
    }

    public double measureMs() throws IOException {
        NTPUDPClient client = new NTPUDPClient();
        client.setDefaultTimeout(timeout);
        try {
            client.open();
            TimeInfo info = client.getTime(InetAddress.getByName(server), port);
            info.computeDetails();
            Long offset = info.getOffset();
            if (offset == null) {
                throw new IOException("NTP answer from " + server + " has no usable timestamps");
            }
            if (info.getMessage().getStratum() == 0 || info.getMessage().getLeapIndicator() == 3) {
                throw new IOException("NTP server " + server + " is not synchronised (stratum "
                        + info.getMessage().getStratum() + ")");
            }
            return -offset;
        } finally {
            client.close();
        }
    }
}
