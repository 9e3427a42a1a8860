package org.syncready.controller.rollout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.protocol.ConfigSigning;

/**
 * The controller's Ed25519 configuration-signing key, in {@code <data>/keys/}: {@code config-signing.key}
 * (PKCS#8 PEM, mode 0600, folder 0700) and {@code config-signing.pub} (X.509 PEM), the same files
 * {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write. Created on first
 * start. A {@code config-signing.next.pub} (the key a rotation moves to) is handed to boxes at
 * registration next to the current one, so they trust both before the switch (docs/ROLLOUTS.md).
 */
public final class ConfigSigner {
    private static final Logger log = LoggerFactory.getLogger(ConfigSigner.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /**
     * BouncyCastle's Ed25519 rather than the JDK's: JDK 17 takes 0.6-1 ms per signature, BouncyCastle
     * 35-100 us, and a rollout signs one document per box on the rollout thread (10,000 boxes: ~10 s
     * before any box got its document). Ed25519 is deterministic (RFC 8032), so both give the same
     * bytes; {@link #selfTest} checks this signer against the JDK's verifier at every start.
     */
    private final Ed25519PrivateKeyParameters signingKey;
    private final PublicKey publicKey;
    private final PublicKey nextKey;
    /** One per core, at most 4: signing is pure CPU. */
    private static final int SIGNING_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final int WARM_UP_SIGNATURES = 3_000;
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Made by {@link #pool()}; its queue holds at most one rollout turn's slices and the warm-up. */
    private ExecutorService pool;

    private ConfigSigner(PrivateKey privateKey, PublicKey publicKey, PublicKey nextKey) throws GeneralSecurityException {
        if (!(privateKey instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new GeneralSecurityException("config-signing.key is not an Ed25519 private key");
        }
        this.signingKey = new Ed25519PrivateKeyParameters(ed.getBytes().get(), 0);
        this.publicKey = publicKey;
        this.nextKey = nextKey;
    }

    /** Loads the key from {@code keysDir}, creating it (owner-only) when there is none. */
    public static ConfigSigner loadOrCreate(Path keysDir) throws IOException {
        Path priv = keysDir.resolve("config-signing.key");
        Path pub = keysDir.resolve("config-signing.pub");
        if (!Files.exists(priv)) {
            create(keysDir, priv, pub);
        }
        checkPermissions(priv);
        try {
            PrivateKey p = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(readPem(priv, "PRIVATE KEY")));
            PublicKey q = readPublic(pub);
            Path next = keysDir.resolve("config-signing.next.pub");
            PublicKey n = Files.exists(next) ? readPublic(next) : null;
            ConfigSigner signer = new ConfigSigner(p, q, n);
            signer.selfTest();
            log.info("config signing key {} loaded from {}{}", ConfigSigning.keyId(q), priv,
                    n == null ? "" : "; next key " + ConfigSigning.keyId(n) + " announced to new boxes");
            return signer;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("config signing key in " + keysDir + " is unusable: " + e.getMessage(), e);
        }
    }

    private static void create(Path dir, Path priv, Path pub) throws IOException {
        Files.createDirectories(dir);
        setPermissions(dir, OWNER_ONLY_DIR);
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JVM cannot make Ed25519 keys: " + e.getMessage(), e);
        }
        try {
            // Created owner-only from the first byte, never readable by others even for a moment.
            Path tmp = dir.resolve("config-signing.key.tmp");
            Files.deleteIfExists(tmp);
            if (supportsPosix(dir)) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
            Files.move(tmp, priv);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is creating the signing key in " + dir, e);
        }
        log.info("created config signing key {} in {} (back it up: boxes trust only this key)", ConfigSigning.keyId(pair.getPublic()), dir);
    }

    private static void checkPermissions(Path priv) throws IOException {
        if (supportsPosix(priv)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(priv);
            if (!OWNER_ONLY_FILE.containsAll(perms)) {
                log.warn("config signing key {} is readable by others ({}); tightening to rw-------", priv,
                        PosixFilePermissions.toString(perms));
                setPermissions(priv, OWNER_ONLY_FILE);
            }
        }
    }

    private void selfTest() throws GeneralSecurityException {
        String sig = sign("self-test", 1, "m/p", "0".repeat(64));
        java.security.Signature v = java.security.Signature.getInstance("Ed25519");
        v.initVerify(publicKey);
        v.update(ConfigSigning.signingInput("self-test", 1, "m/p", "0".repeat(64)));
        if (!v.verify(Base64.getDecoder().decode(sig))) {
            throw new GeneralSecurityException("config-signing.pub is not the public half of config-signing.key");
        }
    }

    /** Signature of a desired document (base64). */
    public String sign(String boxId, long version, String profile, String sha256) {
        byte[] input = ConfigSigning.signingInput(boxId, version, profile, sha256);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, signingKey);
        signer.update(input, 0, input.length);
        return Base64.getEncoder().encodeToString(signer.generateSignature());
    }

    /** What one signature covers (see {@link ConfigSigning#signingInput}). */
    public record Input(String boxId, long version, String profile, String sha256) {
    }

    /**
     * Signatures of many documents (base64, in order), spread over the cores: a rollout's turn signs
     * 1,000 documents, and in a JVM that has just started, before the JIT has compiled BouncyCastle's
     * field arithmetic, signing was four fifths of the rollout thread's time.
     */
    public List<String> signAll(List<Input> inputs) {
        int slices = Math.min(SIGNING_THREADS, Math.max(1, inputs.size() / 50));
        if (slices <= 1) {
            return inputs.stream().map(i -> sign(i.boxId(), i.version(), i.profile(), i.sha256())).toList();
        }
        String[] out = new String[inputs.size()];
        List<Future<?>> parts = new ArrayList<>();
        int per = (inputs.size() + slices - 1) / slices;
        for (int from = 0; from < inputs.size(); from += per) {
            int start = from;
            int end = Math.min(inputs.size(), from + per);
            parts.add(pool().submit(() -> {
                for (int k = start; k < end; k++) {
                    Input i = inputs.get(k);
                    out[k] = sign(i.boxId(), i.version(), i.profile(), i.sha256());
                }
            }));
        }
        try {
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("signing failed: " + e.getCause(), e.getCause());
        }
        return Arrays.asList(out);
    }

    /**
     * Signs throw-away documents in the background so that the JIT compiles the signing code before the
     * first rollout after a start needs it (a few hundred ms of CPU once; nothing is kept or published).
     */
    public void warmUpInBackground() {
        pool().execute(() -> {
            long t0 = System.nanoTime();
            for (int k = 0; k < WARM_UP_SIGNATURES; k++) {
                sign("warm-up", k, "m/p", "0".repeat(64));
            }
            log.debug("config signer warmed up: {} signatures in {} ms", WARM_UP_SIGNATURES, (System.nanoTime() - t0) / 1_000_000);
        });
    }

    /** Signing threads, made when first needed; they end after a minute without work. */
    private synchronized ExecutorService pool() {
        if (pool == null) {
            ThreadPoolExecutor p = new ThreadPoolExecutor(SIGNING_THREADS, SIGNING_THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "config-sign-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            p.allowCoreThreadTimeOut(true);
            pool = p;
        }
        return pool;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The keys a newly registered box should pin: the current one, and the next one during a rotation. */
    public List<String> publicKeysToPin() {
        List<String> keys = new ArrayList<>();
        keys.add(ConfigSigning.encodePublicKey(publicKey));
        if (nextKey != null) {
            keys.add(ConfigSigning.encodePublicKey(nextKey));
        }
        return keys;
    }

    public String keyId() {
        return ConfigSigning.keyId(publicKey);
    }

    private static PublicKey readPublic(Path file) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(readPem(file, "PUBLIC KEY")));
    }

    private static byte[] readPem(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(file + " is not a PEM " + type);
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static boolean supportsPosix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void setPermissions(Path p, Set<PosixFilePermission> perms) throws IOException {
        if (supportsPosix(p)) {
            Files.setPosixFilePermissions(p, perms);
        }
    }
}
