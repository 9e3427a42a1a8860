package org.syncready.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Whom a box trusts when it talks to the controller over TLS (MQTT over TLS, HTTPS): the CA it pinned
 * at enrollment ({@link #pinned}), the system trust store ({@link #system}), or, for the very first
 * contact, a CA named by its SHA-256 fingerprint ({@link #fingerprint(String)}). Host names are always
 * checked by the caller's TLS stack (Paho and the JDK's HTTP clients ask for HTTPS endpoint
 * identification). {@link #explain} turns a failed handshake into one sentence for the log.
 */
public final class TlsTrust {
    private TlsTrust() {
    }

    /** Trusts exactly the CA certificates in {@code caPem}. */
    public static SSLContext pinned(String caPem) throws GeneralSecurityException {
        List<X509Certificate> cas = certificates(caPem);
        if (cas.isEmpty()) {
            throw new CertificateException("no PEM certificate found");
        }
        return context(trustManagers(cas));
    }

    /** Trusts exactly the CA certificates in a PEM file; a missing or unreadable file is an IOException naming it. */
    public static SSLContext pinnedFile(Path caFile) throws IOException {
        String pem;
        try {
            pem = Files.readString(caFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(caFile + " does not exist");
        }
        try {
            return pinned(pem);
        } catch (GeneralSecurityException e) {
            throw new IOException(caFile + " holds no usable CA certificate: " + e.getMessage(), e);
        }
    }

    /** The JVM's default trust (the system's CA certificates). */
    public static SSLContext system() {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    /**
     * For a first contact: accepts a server whose chain contains a certificate with this SHA-256
     * fingerprint, and then checks the chain against that certificate alone, as {@link #pinned} would
     * (so the host name and validity are checked too). The fingerprint may be written with or without
     * colons, in either case.
     */
    public static SSLContext fingerprint(String sha256) throws GeneralSecurityException {
        return context(new TrustManager[] {new FingerprintTrust(normalize(sha256))});
    }

    /** SHA-256 of the certificate's DER encoding: upper-case hex pairs joined by colons, as openssl prints it. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A fingerprint in the form {@link #fingerprint(X509Certificate)} writes; IllegalArgumentException unless 32 hex bytes. */
    public static String normalize(String sha256) {
        String hex = sha256 == null ? "" : sha256.strip().replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (hex.startsWith("SHA256=")) {
            hex = hex.substring(7);
        }
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hex digits (colons allowed), was '" + sha256 + "'");
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
    }

    /** The certificates in PEM text (none when there are none). */
    public static List<X509Certificate> certificates(String pem) throws CertificateException {
        Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        return certs.stream().map(X509Certificate.class::cast).toList();
    }

    /** TLS sockets with Nagle's algorithm off, for Paho ({@code ssl://} needs an SSLSocketFactory); see {@link NoDelaySocketFactory}. */
    public static SSLSocketFactory noDelay(SSLContext context) {
        return new NoDelayTls(context.getSocketFactory());
    }

    /**
     * One sentence on why a TLS connection failed, from an exception (or its causes); null when none of
     * them is about TLS. For the log: no stack trace, the reason a person can act on.
     */
    public static String explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException e) {
                return "the controller's TLS certificate has expired (" + e.getMessage() + ")";
            }
            if (t instanceof FingerprintMismatch e) {
                return e.getMessage();
            }
            if (t instanceof CertPathValidatorException || t.getClass().getName().endsWith("SunCertPathBuilderException")) {
                return "the controller's TLS certificate is not signed by the trusted CA (a different controller, or a "
                        + "machine in between?)";
            }
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof CertificateException && m.startsWith("No ")
                    && (m.contains("subject alternative") || m.contains("name matching"))) {
                return "the controller's TLS certificate does not name the host connected to (" + m + ")";
            }
            if (t instanceof SSLPeerUnverifiedException) {
                return "the controller's TLS certificate does not name the host connected to (" + m + ")";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException || t instanceof SSLException) {
                return "TLS handshake failed: " + t.getMessage();
            }
        }
        return null;
    }

    private static SSLContext context(TrustManager[] managers) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, managers, null);
        return context;
    }

    private static TrustManager[] trustManagers(List<X509Certificate> cas) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("an empty key store cannot be made: " + e.getMessage(), e);
        }
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf.getTrustManagers();
    }

    /** Thrown when no certificate of the server's chain has the expected fingerprint. */
    static final class FingerprintMismatch extends CertificateException {
        FingerprintMismatch(String message) {
            super(message);
        }
    }

    /** Finds the anchor by fingerprint in the presented chain, then validates like a pinned CA. */
    private static final class FingerprintTrust extends X509ExtendedTrustManager {
        private final String expected;

        FingerprintTrust(String expected) {
            this.expected = expected;
        }

        private X509ExtendedTrustManager anchoredIn(X509Certificate[] chain) throws CertificateException {
            for (X509Certificate c : chain) {
                if (fingerprint(c).equals(expected)) {
                    try {
                        for (TrustManager tm : trustManagers(List.of(c))) {
                            if (tm instanceof X509ExtendedTrustManager x) {
                                return x;
                            }
                        }
                    } catch (GeneralSecurityException e) {
                        throw new CertificateException("cannot trust the certificate with fingerprint " + expected, e);
                    }
                }
            }
            throw new FingerprintMismatch("no certificate the controller presented has the SHA-256 fingerprint "
                    + expected + " (wrong fingerprint, or a machine in between?)");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            anchoredIn(chain).checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            anchoredIn(chain).checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            anchoredIn(chain).checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a box checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a box checks servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a box checks servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static final class NoDelayTls extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        NoDelayTls(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket tuned(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return tuned(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            s.setTcpNoDelay(true);
            return delegate.createSocket(s, host, port, autoClose);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return tuned(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return tuned(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return tuned(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return tuned(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
