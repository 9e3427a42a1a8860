package org.syncready.controller.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.slf4j.Logger;
import org.syncready.protocol.TlsTrust;
import org.slf4j.LoggerFactory;

/**
 * The certificate and key the controller's TLS listeners (MQTT over TLS, HTTPS) present, and the CA
 * certificate boxes pin. Either the operator's PEM files ({@link #fromFiles}), or the controller's own
 * CA and a server certificate for its host names and addresses, created at first start in
 * {@code <data>/tls/} ({@link #loadOrCreate}): {@code ca.pem}, {@code ca-key.pem}, {@code server.pem}
 * (server certificate then CA), {@code server-key.pem}, every file 0600 in a 0700 folder. The CA is
 * kept across restarts (boxes pin it); the server certificate is issued again, by the same CA, when a
 * host name is added or it comes within {@link #RENEW_BEFORE} of its end.
 *
 * <p>Keys are EC P-256: every TLS stack the boxes and browsers run speaks ECDHE-ECDSA, and keys are
 * made in milliseconds (tests start many controllers).
 */
public final class TlsIdentity {
    private static final Logger log = LoggerFactory.getLogger(TlsIdentity.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    /** Boxes pin the CA for their whole service life. */
    static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
    static final Duration SERVER_VALIDITY = Duration.ofDays(2 * 365);
    /** A restart inside this window issues a fresh server certificate. */
    static final Duration RENEW_BEFORE = Duration.ofDays(90);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final X509Certificate ca;
    private final String origin;

    private TlsIdentity(List<X509Certificate> chain, PrivateKey key, X509Certificate ca, String origin) {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.ca = ca;
        this.origin = origin;
    }

    /**
     * The controller's own CA and server certificate in {@code dir}, created or renewed as needed.
     * {@code hostnames}: names and addresses the certificate must cover; empty means
     * {@link #defaultHostnames()}. {@code localhost} and {@code 127.0.0.1} are always added.
     */
    public static TlsIdentity loadOrCreate(Path dir, List<String> hostnames, Clock clock) throws IOException {
        Set<String> names = new LinkedHashSet<>(hostnames.isEmpty() ? defaultHostnames() : hostnames);
        names.add("localhost");
        names.add("127.0.0.1");
        Files.createDirectories(dir);
        restrict(dir, OWNER_ONLY_DIR);
        Path caFile = dir.resolve("ca.pem");
        Path caKeyFile = dir.resolve("ca-key.pem");
        Path serverFile = dir.resolve("server.pem");
        Path serverKeyFile = dir.resolve("server-key.pem");
        try {
            X509Certificate ca;
            PrivateKey caKey;
            if (Files.exists(caFile) && Files.exists(caKeyFile)) {
                ca = readCertificates(caFile).get(0);
                caKey = readKey(caKeyFile);
            } else {
                KeyPair pair = newKeyPair();
                ca = caCertificate(pair, clock.instant());
                caKey = pair.getPrivate();
                writePrivate(caKeyFile, pem(caKey));
                writePrivate(caFile, pem(ca));
                log.info("TLS: created the controller's CA in {} (SHA-256 {})", caFile, fingerprint(ca));
            }
            if (Files.exists(serverFile) && Files.exists(serverKeyFile)) {
                List<X509Certificate> chain = readCertificates(serverFile);
                String stale = staleness(chain.get(0), ca, names, clock.instant());
                if (stale == null) {
                    return new TlsIdentity(chain, readKey(serverKeyFile), ca, "controller CA in " + dir);
                }
                log.info("TLS: issuing a new server certificate: {}", stale);
            }
            KeyPair pair = newKeyPair();
            X509Certificate server = serverCertificate(pair, ca, caKey, names, clock.instant());
            writePrivate(serverKeyFile, pem(pair.getPrivate()));
            writePrivate(serverFile, pem(server) + pem(ca));
            log.info("TLS: server certificate for {} issued by the controller's CA, valid until {}", names,
                    server.getNotAfter().toInstant());
            return new TlsIdentity(List.of(server, ca), pair.getPrivate(), ca, "controller CA in " + dir);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("TLS material in " + dir + " is unusable: " + e.getMessage(), e);
        }
    }

    /**
     * The operator's certificate chain ({@code cert}: the server certificate first, intermediates
     * after) and key, PEM. {@code caFile}, if given, is the CA boxes pin; otherwise the chain's last
     * certificate when it is self-signed, else none (boxes then use their system trust store).
     */
    public static TlsIdentity fromFiles(Path cert, Path keyFile, Path caFile) throws IOException {
        try {
            List<X509Certificate> chain = readCertificates(cert);
            PrivateKey key = readKey(keyFile);
            X509Certificate ca = caFile != null ? readCertificates(caFile).get(0) : selfSignedLast(chain);
            if (!matches(chain.get(0), key)) {
                throw new IOException("--tls-key " + keyFile + " is not the key of the certificate in " + cert);
            }
            return new TlsIdentity(chain, key, ca, cert.toString());
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS certificate " + cert + " or key " + keyFile + " is unusable: " + e.getMessage(), e);
        }
    }

    /** This machine's host name, its non-loopback addresses, {@code localhost} and {@code 127.0.0.1}. */
    public static List<String> defaultHostnames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            log.info("TLS: this machine's host name is unknown ({}); the certificate names its addresses only", e.getMessage());
        }
        try {
            for (NetworkInterface nif : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        String text = a.getHostAddress();
                        int zone = text.indexOf('%');
                        names.add(zone < 0 ? text : text.substring(0, zone));
                    }
                }
            }
        } catch (SocketException e) {
            log.info("TLS: cannot list network interfaces ({}); the certificate names the host name only", e.getMessage());
        }
        names.add("localhost");
        names.add("127.0.0.1");
        return List.copyOf(names);
    }

    /** Server certificate first, then the rest of the chain, PEM: what the listeners present. */
    public String chainPem() {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            out.append(pem(c));
        }
        return out.toString();
    }

    /** The private key, PKCS#8 PEM. Never logged, never answered. */
    public String keyPem() {
        return pem(key);
    }

    /** The CA certificate boxes pin, PEM; null when boxes should use their system trust store. */
    public String caPem() {
        return ca == null ? null : pem(ca);
    }

    /** SHA-256 of the CA certificate (DER), hex pairs with colons as {@code openssl x509 -fingerprint -sha256} prints; null without a CA. */
    public String caFingerprint() {
        return ca == null ? null : fingerprint(ca);
    }

    /** Where it came from, for the log. */
    public String origin() {
        return origin;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * Writes the chain and key as a JKS key store (the type HiveMQ CE's TLS listener reads), 0600.
     * The password protects nothing the file mode does not; it is new on every start.
     */
    public void writeKeyStore(Path file, char[] password) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry("syncready", key, password, chain.toArray(new X509Certificate[0]));
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                store.store(out, password);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the broker's key store " + file + ": " + e.getMessage(), e);
        }
    }

    /** A random password for a key store written at start. */
    public static char[] newKeyStorePassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).toCharArray();
    }

    /** The same form the boxes compare against ({@link TlsTrust#fingerprint}). */
    public static String fingerprint(X509Certificate cert) {
        return TlsTrust.fingerprint(cert);
    }

    // ---- certificates ----

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate caCertificate(KeyPair pair, Instant now)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500Name("CN=SyncReady controller CA " + HexFormat.of().formatHex(randomBytes(4)) + ",O=SyncReady");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), java.util.Date.from(now.minus(Duration.ofHours(1))),
                java.util.Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(b, pair.getPrivate());
    }

    private static X509Certificate serverCertificate(KeyPair pair, X509Certificate ca, PrivateKey caKey, Set<String> names, Instant now)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        String first = names.iterator().next();
        X500Name subject = new X500Name("CN=" + first.replaceAll("[,+=\"\\\\<>;]", "_") + ",O=SyncReady");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), java.util.Date.from(now.minus(Duration.ofHours(1))),
                java.util.Date.from(now.plus(SERVER_VALIDITY)), subject, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            alt.add(isAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(new GeneralName[0])));
        return sign(b, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws OperatorCreationException, CertificateException {
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    /** Why a stored server certificate will not do, or null when it will. */
    static String staleness(X509Certificate server, X509Certificate ca, Set<String> names, Instant now) {
        try {
            server.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            return "it was not issued by the CA in ca.pem";
        }
        if (server.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            return "it ends on " + server.getNotAfter().toInstant();
        }
        Set<String> covered = subjectAltNames(server);
        List<String> missing = names.stream().filter(n -> !covered.contains(canonical(n))).toList();
        return missing.isEmpty() ? null : "it does not name " + missing;
    }

    /** The DNS names and addresses a certificate names (lower case). */
    public static Set<String> subjectAltNames(X509Certificate cert) {
        Set<String> out = new LinkedHashSet<>();
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    Object value = entry.get(1);
                    if (value instanceof String s) {
                        out.add(canonical(s));
                    }
                }
            }
        } catch (CertificateException e) {
            // An unparsable SAN extension covers nothing.
        }
        return out;
    }

    private static String canonical(String name) {
        if (isAddress(name)) {
            try {
                return InetAddress.getByName(name).getHostAddress().toLowerCase(Locale.ROOT);
            } catch (UnknownHostException e) {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    static boolean isAddress(String name) {
        return IPV4.matcher(name).matches() || name.contains(":");
    }

    private static X509Certificate selfSignedLast(List<X509Certificate> chain) {
        X509Certificate last = chain.get(chain.size() - 1);
        if (chain.size() > 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            return last;
        }
        return null;
    }

    private static boolean matches(X509Certificate cert, PrivateKey key) throws GeneralSecurityException {
        String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : null;
        if (alg == null) {
            return true; // other key types: the TLS handshake is the check
        }
        byte[] probe = randomBytes(32);
        java.security.Signature s = java.security.Signature.getInstance(alg);
        s.initSign(key);
        s.update(probe);
        byte[] sig = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(probe);
        return s.verify(sig);
    }

    private static BigInteger serial() {
        return new BigInteger(1, randomBytes(16));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    // ---- PEM ----

    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(reader(file))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate");
        }
        return out;
    }

    static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(reader(file))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                if (o instanceof PEMKeyPair pair) {
                    // SEC1 and PKCS#1 keys; the private part alone, as SEC1 may leave the public key out.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new IOException(file + " holds no unencrypted PEM private key (PKCS#8, EC or RSA)");
    }

    private static Reader reader(Path file) throws IOException {
        try {
            return new StringReader(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist");
        }
    }

    static String pem(Object o) {
        if (o instanceof PrivateKey key) {
            // PKCS#8 ("PRIVATE KEY"), which every reader takes; JcaPEMWriter would write an EC key as SEC1.
            o = new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded());
        }
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to memory failed", e);
        }
        return out.toString();
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Files.writeString(tmp, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(Path path, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(path, perms);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to restrict with.
        }
    }

    /** Refuses a half-given set of PEM file options (IllegalArgumentException naming them). */
    public static void checkFileOptions(java.nio.file.Path cert, java.nio.file.Path key, java.nio.file.Path ca) {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("tlsCert and tlsKey go together: give both PEM files, or neither "
                    + "for the controller's own certificate");
        }
        if (ca != null && cert == null) {
            throw new IllegalArgumentException("tlsCa needs tlsCert and tlsKey (the controller's own certificate brings its own CA)");
        }
    }
}
