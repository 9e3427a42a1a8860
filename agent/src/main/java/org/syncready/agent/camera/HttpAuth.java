package org.syncready.agent.camera;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP authentication as RTSP (RFC 2326 §D) and ONVIF cameras use it: Basic, and Digest per
 * RFC 2617 / RFC 7616 (MD5, SHA-256 and their -sess forms, with or without qop=auth; cameras that
 * follow RFC 2069 send no qop).
 */
final class HttpAuth {
    private static final SecureRandom RANDOM = new SecureRandom();

    private HttpAuth() {
    }

    /** One challenge from a WWW-Authenticate header: scheme (lower case) and its parameters. */
    record Challenge(String scheme, Map<String, String> params) {
        String param(String name) {
            return params.get(name);
        }
    }

    /** Every challenge in the given WWW-Authenticate header values, in order. */
    static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> out = new ArrayList<>();
        for (String value : headerValues) {
            parseOne(value.strip(), out);
        }
        return out;
    }

    /** The Authorization header value for the strongest challenge we support, or null when none fits. */
    static String authorization(List<Challenge> challenges, String method, String uri, String user, String password) {
        return authorization(challenges, method, uri, user, password, 1);
    }

    /**
     * As above, for the {@code nonceCount}-th request with the same nonce (RFC 7616 §3.4: it must
     * rise, or a server with replay protection refuses the repeat).
     */
    static String authorization(List<Challenge> challenges, String method, String uri, String user, String password,
                                int nonceCount) {
        Challenge best = null;
        for (Challenge c : challenges) {
            if (c.scheme().equals("digest") && supportedAlgorithm(c.param("algorithm"))) {
                if (best == null || !best.scheme().equals("digest")
                        || "SHA-256".equalsIgnoreCase(c.param("algorithm"))) {
                    best = c;
                }
            } else if (c.scheme().equals("basic") && best == null) {
                best = c;
            }
        }
        if (best == null) {
            return null;
        }
        if (best.scheme().equals("basic")) {
            return basic(user, password);
        }
        byte[] cn = new byte[12];
        RANDOM.nextBytes(cn);
        return digest(best, method, uri, user, password, nonceCount, HexFormat.of().formatHex(cn));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The Digest Authorization header for one challenge; {@code cnonce} is used only when the challenge asks for qop. */
    static String digest(Challenge c, String method, String uri, String user, String password, int nonceCount, String cnonce) {
        String algorithm = c.param("algorithm");
        String realm = c.param("realm") == null ? "" : c.param("realm");
        String nonce = c.param("nonce") == null ? "" : c.param("nonce");
        String qop = chooseQop(c.param("qop"));
        String nc = String.format(Locale.ROOT, "%08x", nonceCount);
        String response = response(algorithm, user, realm, password, method, uri, nonce, qop == null ? null : nc,
                qop == null ? null : cnonce, qop);
        StringBuilder h = new StringBuilder("Digest username=\"").append(quote(user)).append("\", realm=\"")
                .append(quote(realm)).append("\", nonce=\"").append(quote(nonce)).append("\", uri=\"").append(quote(uri))
                .append("\", response=\"").append(response).append('"');
        if (algorithm != null) {
            h.append(", algorithm=").append(algorithm);
        }
        if (c.param("opaque") != null) {
            h.append(", opaque=\"").append(quote(c.param("opaque"))).append('"');
        }
        if (qop != null) {
            h.append(", qop=").append(qop).append(", nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
        }
        return h.toString();
    }

    /**
     * The digest response of RFC 7616 §3.4.1: H(A1), H(A2) and KD; {@code qop} null means the
     * RFC 2069 form {@code H(HA1:nonce:HA2)}.
     */
    static String response(String algorithm, String user, String realm, String password, String method, String uri,
                           String nonce, String nc, String cnonce, String qop) {
        String alg = algorithm == null ? "MD5" : algorithm.toUpperCase(Locale.ROOT);
        String hash = alg.startsWith("SHA-256") ? "SHA-256" : "MD5";
        String ha1 = hex(hash, user + ":" + realm + ":" + password);
        if (alg.endsWith("-SESS")) {
            ha1 = hex(hash, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hex(hash, method + ":" + uri);
        return qop == null ? hex(hash, ha1 + ":" + nonce + ":" + ha2)
                : hex(hash, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    private static boolean supportedAlgorithm(String algorithm) {
        if (algorithm == null) {
            return true;
        }
        String a = algorithm.toUpperCase(Locale.ROOT);
        return a.equals("MD5") || a.equals("MD5-SESS") || a.equals("SHA-256") || a.equals("SHA-256-SESS");
    }

    private static String chooseQop(String offered) {
        if (offered == null) {
            return null;
        }
        for (String q : offered.split(",")) {
            if (q.strip().equalsIgnoreCase("auth")) {
                return "auth";
            }
        }
        // auth-int needs the body hashed; DESCRIBE has none, but we do not claim it.
        return null;
    }

    static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Parses {@code Scheme k=v, k="v", ...}; a header may hold several challenges one after another. */
    private static void parseOne(String s, List<Challenge> out) {
        int i = 0;
        int n = s.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',' || s.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '=' && s.charAt(i) != ',') {
                i++;
            }
            String token = s.substring(start, i);
            if (token.isEmpty()) {
                break;
            }
            int j = i;
            while (j < n && s.charAt(j) == ' ') {
                j++;
            }
            if (j < n && s.charAt(j) == '=' && scheme != null) {
                i = j + 1;
                while (i < n && s.charAt(i) == ' ') {
                    i++;
                }
                StringBuilder value = new StringBuilder();
                if (i < n && s.charAt(i) == '"') {
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        value.append(s.charAt(i++));
                    }
                    i++;
                } else {
                    while (i < n && s.charAt(i) != ',') {
                        value.append(s.charAt(i++));
                    }
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString().strip());
            } else {
                if (scheme != null) {
                    out.add(new Challenge(scheme, Map.copyOf(params)));
                    params.clear();
                }
                scheme = token.toLowerCase(Locale.ROOT);
            }
        }
        if (scheme != null) {
            out.add(new Challenge(scheme, Map.copyOf(params)));
        }
    }
}
