package org.syncready.agent.netcheck;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.apache.commons.net.ntp.NtpV3Impl;
import org.apache.commons.net.ntp.NtpV3Packet;
import org.apache.commons.net.ntp.TimeStamp;

/** A one-thread SNTP server on 127.0.0.1 whose clock runs {@code offsetMs} ahead of this machine's. */
final class TestNtpServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final long offsetMs;
    private final int stratum;

    TestNtpServer(long offsetMs, int stratum) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.offsetMs = offsetMs;
        this.stratum = stratum;
        Thread t = new Thread(this::run, "test-ntp");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void run() {
        while (!socket.isClosed()) {
            try {
                NtpV3Impl request = new NtpV3Impl();
                DatagramPacket in = request.getDatagramPacket();
                socket.receive(in);
                request.setDatagramPacket(in);
                TimeStamp received = TimeStamp.getNtpTime(System.currentTimeMillis() + offsetMs);
                NtpV3Impl reply = new NtpV3Impl();
                reply.setMode(NtpV3Packet.MODE_SERVER);
                reply.setVersion(NtpV3Packet.VERSION_3);
                reply.setStratum(stratum);
                reply.setLeapIndicator(stratum == 0 ? 3 : 0);
                reply.setOriginateTimeStamp(request.getTransmitTimeStamp());
                reply.setReceiveTimeStamp(received);
                reply.setReferenceTime(received);
                reply.setTransmitTime(TimeStamp.getNtpTime(System.currentTimeMillis() + offsetMs));
                DatagramPacket out = reply.getDatagramPacket();
                out.setSocketAddress(in.getSocketAddress());
                socket.send(out);
            } catch (IOException e) {
                // Closed.
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
