package org.syncready.agent.camera;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Just enough ONVIF (SOAP 1.2 over HTTP) to find a camera's RTSP stream: GetSystemDateAndTime (to
 * cancel clock skew, which breaks WS-Security digests), GetDeviceInformation, GetCapabilities (the
 * media service address), GetProfiles and GetStreamUri, signed with a WS-UsernameToken password
 * digest; an HTTP 401 is answered with HTTP Digest/Basic as some cameras want. Written on the JDK's
 * HTTP client and DOM parser: the ONVIF clients on Maven Central (com.github.03:onvif,
 * org.homio:onvif, com.github.chengtengfei:onvif-sample) are small single-author projects built on
 * OkHttp, Netty or dom4j, and milg0's onvif-java-lib is only on JitPack; none is worth a dependency
 * for these five calls.
 */
final class OnvifClient {
    private static final String DEVICE_NS = "http://www.onvif.org/ver10/device/wsdl";
    private static final String MEDIA_NS = "http://www.onvif.org/ver10/media/wsdl";
    private static final String SCHEMA_NS = "http://www.onvif.org/ver10/schema";
    private static final int MAX_RESPONSE = 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI deviceService;
    private final String user;
    private final String password;
    private final Duration timeout;
    private final HttpClient http;
    private Duration clockOffset = Duration.ZERO;
    private List<HttpAuth.Challenge> httpChallenges;

    OnvifClient(URI deviceService, String user, String password, Duration timeout) {
        this.deviceService = deviceService;
        this.user = user;
        this.password = password;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** What the camera told about itself and where its stream is. */
    record Info(String manufacturer, String model, String firmware, String profileToken, String streamUri) {
    }

    /** Runs the discovery; throws with a readable reason. */
    Info discover() throws RtspException {
        try {
            syncClock();
            Document dev = call(deviceService, "<GetDeviceInformation xmlns=\"" + DEVICE_NS + "\"/>", "GetDeviceInformation");
            String manufacturer = text(dev, "Manufacturer");
            String model = text(dev, "Model");
            String firmware = text(dev, "FirmwareVersion");
            URI media = deviceService;
            try {
                Document caps = call(deviceService, "<GetCapabilities xmlns=\"" + DEVICE_NS
                        + "\"><Category>Media</Category></GetCapabilities>", "GetCapabilities");
                Element mediaCaps = first(caps.getDocumentElement(), "Media");
                String xaddr = mediaCaps == null ? null : text(mediaCaps, "XAddr");
                if (xaddr != null && !xaddr.isBlank()) {
                    media = sameHostIfLocal(URI.create(xaddr.strip()));
                }
            } catch (RtspException e) {
                // Many cameras serve the media calls on the device service too: try that.
            }
            Document profiles = call(media, "<GetProfiles xmlns=\"" + MEDIA_NS + "\"/>", "GetProfiles");
            Element profile = first(profiles.getDocumentElement(), "Profiles");
            if (profile == null || profile.getAttribute("token").isEmpty()) {
                throw new RtspException("ONVIF camera has no media profile (GetProfiles returned none)");
            }
            String token = profile.getAttribute("token");
            Document stream = call(media, "<GetStreamUri xmlns=\"" + MEDIA_NS + "\"><StreamSetup>"
                    + "<Stream xmlns=\"" + SCHEMA_NS + "\">RTP-Unicast</Stream>"
                    + "<Transport xmlns=\"" + SCHEMA_NS + "\"><Protocol>RTSP</Protocol></Transport></StreamSetup>"
                    + "<ProfileToken>" + xmlEscape(token) + "</ProfileToken></GetStreamUri>", "GetStreamUri");
            String uri = text(stream, "Uri");
            if (uri == null || uri.isBlank()) {
                throw new RtspException("ONVIF GetStreamUri returned no URI for profile " + token);
            }
            return new Info(manufacturer, model, firmware, token, uri.strip());
        } catch (HttpTimeoutException e) {
            throw new RtspException("ONVIF no answer from " + SafeUri.redact(deviceService.toString()) + " within "
                    + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            throw new RtspException("ONVIF connection refused by " + SafeUri.redact(deviceService.toString()));
        } catch (IOException e) {
            throw new RtspException("ONVIF error talking to " + SafeUri.redact(deviceService.toString()) + ": "
                    + SafeUri.scrub(String.valueOf(e.getMessage()), password));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RtspException("ONVIF discovery interrupted");
        }
    }

    /** Camera clocks are often wrong; WS-Security digests carry a creation time the camera checks. */
    private void syncClock() throws IOException, InterruptedException {
        try {
            Document d = post(deviceService, envelope("<GetSystemDateAndTime xmlns=\"" + DEVICE_NS + "\"/>", false), "GetSystemDateAndTime");
            Element utc = first(d.getDocumentElement(), "UTCDateTime");
            if (utc != null) {
                Element date = first(utc, "Date");
                Element time = first(utc, "Time");
                LocalDateTime t = LocalDateTime.of(num(date, "Year"), num(date, "Month"), num(date, "Day"),
                        num(time, "Hour"), num(time, "Minute"), num(time, "Second"));
                clockOffset = Duration.between(Instant.now(), t.toInstant(ZoneOffset.UTC));
            }
        } catch (RtspException | RuntimeException e) {
            // Cameras that refuse it get our clock.
        }
    }

    private Document call(URI endpoint, String body, String action) throws IOException, InterruptedException, RtspException {
        return post(endpoint, envelope(body, user != null), action);
    }

    private Document post(URI endpoint, String envelope, String action) throws IOException, InterruptedException, RtspException {
        HttpResponse<byte[]> r = send(endpoint, envelope, null);
        if (r.statusCode() == 401 && user != null) {
            httpChallenges = HttpAuth.parse(r.headers().allValues("WWW-Authenticate"));
            String auth = HttpAuth.authorization(httpChallenges, "POST", endpoint.getRawPath(), user,
                    password == null ? "" : password);
            if (auth != null) {
                r = send(endpoint, envelope, auth);
            }
        }
        byte[] body = r.body();
        if (body.length > MAX_RESPONSE) {
            throw new RtspException("ONVIF " + action + " answer larger than " + MAX_RESPONSE + " bytes");
        }
        Document doc = body.length == 0 ? null : parseXml(body);
        Element fault = doc == null ? null : first(doc.getDocumentElement(), "Fault");
        if (r.statusCode() == 401 || (fault != null && faultText(fault).contains("NotAuthorized"))) {
            throw new RtspException(user == null ? "ONVIF " + action + " not authorized — the camera needs a username and password"
                    : "ONVIF " + action + " not authorized — wrong username or password (or camera clock far off)?");
        }
        if (fault != null) {
            throw new RtspException("ONVIF " + action + " failed: " + abbreviate(faultText(fault)));
        }
        if (r.statusCode() != 200 || doc == null) {
            throw new RtspException("ONVIF " + action + " failed: HTTP " + r.statusCode());
        }
        return doc;
    }

    private HttpResponse<byte[]> send(URI endpoint, String envelope, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/soap+xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String envelope(String body, boolean secured) {
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">");
        if (secured) {
            s.append("<s:Header>").append(usernameToken()).append("</s:Header>");
        }
        return s.append("<s:Body>").append(body).append("</s:Body></s:Envelope>").toString();
    }

    /** WS-Security UsernameToken with PasswordDigest = Base64(SHA-1(nonce + created + password)). */
    String usernameToken() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String created = Instant.now().plus(clockOffset).truncatedTo(ChronoUnit.SECONDS).toString();
        return usernameToken(user, password == null ? "" : password, nonce, created);
    }

    static String usernameToken(String user, String password, byte[] nonce, String created) {
        return "<Security s:mustUnderstand=\"1\" xmlns=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\">"
                + "<UsernameToken><Username>" + xmlEscape(user) + "</Username>"
                + "<Password Type=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest\">"
                + passwordDigest(nonce, created, password) + "</Password>"
                + "<Nonce EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">"
                + Base64.getEncoder().encodeToString(nonce) + "</Nonce>"
                + "<Created xmlns=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\">"
                + created + "</Created></UsernameToken></Security>";
    }

    static String passwordDigest(byte[] nonce, String created, String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(nonce);
            sha1.update(created.getBytes(StandardCharsets.UTF_8));
            sha1.update(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }

    /** A camera behind NAT or with a wrong network config may announce an address we cannot reach: keep ours. */
    private URI sameHostIfLocal(URI announced) {
        if (announced.getHost() == null) {
            return deviceService;
        }
        return announced;
    }

    static Document parseXml(byte[] body) throws RtspException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            // Answers come from the network: no DTDs, no external entities.
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new RtspException("ONVIF answer is not valid XML");
        }
    }

    private static String faultText(Element fault) {
        StringBuilder s = new StringBuilder();
        NodeList all = fault.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Node n = all.item(i);
            if (n.getChildNodes().getLength() == 1 && n.getFirstChild().getNodeType() == Node.TEXT_NODE) {
                s.append(n.getTextContent().strip()).append(' ');
            }
        }
        return s.toString().strip();
    }

    private static Element first(Element in, String localName) {
        if (in == null) {
            return null;
        }
        NodeList l = in.getElementsByTagNameNS("*", localName);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    private static String text(Document d, String localName) {
        return text(d.getDocumentElement(), localName);
    }

    private static String text(Element in, String localName) {
        Element e = first(in, localName);
        return e == null ? null : e.getTextContent().strip();
    }

    private static int num(Element in, String localName) {
        return Integer.parseInt(Optional.ofNullable(text(in, localName)).orElseThrow());
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }
}
