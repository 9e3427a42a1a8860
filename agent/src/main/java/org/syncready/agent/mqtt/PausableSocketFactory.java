package org.syncready.agent.mqtt;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets (Nagle off, as {@link org.syncready.protocol.NoDelaySocketFactory}) that can be
 * paused, to simulate a hung box: while paused nothing is read or written and a close is put off,
 * so the connection stays open, unanswered, exactly like the socket of a stopped process. The broker
 * then sees only silence and fires the box's Will when the keep-alive expires. Threads blocked by the
 * pause give up when interrupted (the MQTT client's own shutdown); everything else goes on when the
 * pause ends. Only simulated boxes ever pause.
 */
final class PausableSocketFactory extends SocketFactory {
    private final Object lock = new Object();
    /** System.nanoTime() until which sockets are paused; 0 when running. Written under lock. */
    private volatile long pausedUntil;
    private final List<PausableSocket> closesPutOff = new ArrayList<>();

    /** Pauses every socket of this factory for {@code d} (or until {@link #resume()}). */
    void pause(Duration d) {
        synchronized (lock) {
            pausedUntil = Math.max(1, System.nanoTime() + d.toNanos());
        }
    }

    /** Ends a pause; closes put off during it happen now. */
    void resume() {
        List<PausableSocket> toClose;
        synchronized (lock) {
            pausedUntil = 0;
            lock.notifyAll();
            toClose = new ArrayList<>(closesPutOff);
            closesPutOff.clear();
        }
        for (PausableSocket s : toClose) {
            try {
                s.closeNow();
            } catch (IOException e) {
                // Already gone: the broker closed its end long ago.
            }
        }
    }

    boolean paused() {
        synchronized (lock) {
            return pausedUntil != 0 && pausedUntil - System.nanoTime() > 0;
        }
    }

    /** Blocks while paused. */
    private void awaitRunning() throws InterruptedIOException {
        if (pausedUntil == 0) {
            return; // the usual case: no lock on every read and write
        }
        synchronized (lock) {
            while (pausedUntil != 0) {
                long left = pausedUntil - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("socket paused (simulated hang)");
                }
            }
        }
    }

    @Override
    public Socket createSocket() throws IOException {
        Socket s = new PausableSocket();
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    private final class PausableSocket extends Socket {
        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    awaitRunning();
                    int b = super.read();
                    // Bytes that arrived while paused stay unread, as in a stopped process.
                    awaitRunning();
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    awaitRunning();
                    int n = in.read(b, off, len);
                    awaitRunning();
                    return n;
                }

                @Override
                public void close() throws IOException {
                    // Closing a socket stream closes the socket: the same rule as the socket's own close.
                    PausableSocket.this.close();
                }
            };
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(int b) throws IOException {
                    awaitRunning();
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    awaitRunning();
                    out.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    awaitRunning();
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    PausableSocket.this.close();
                }
            };
        }

        @Override
        public void close() throws IOException {
            synchronized (lock) {
                if (pausedUntil != 0 && pausedUntil - System.nanoTime() > 0) {
                    // A stopped process does not close its sockets: the broker must find out by the keep-alive.
                    closesPutOff.add(this);
                    return;
                }
            }
            super.close();
        }

        /** The real close, for {@link #resume()}. */
        void closeNow() throws IOException {
            super.close();
        }
    }
}
