package org.syncready.agent.camera;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A small ONVIF camera on 127.0.0.1 for tests: answers the device and media calls the agent makes,
 * checks the WS-UsernameToken password digest itself (SHA-1 of nonce, created and password) and
 * answers a wrong one with the SOAP fault {@code ter:NotAuthorized}, as cameras do.
 */
final class OnvifTestResponder implements AutoCloseable {
    private final HttpServer server;
    private final String user;
    private final String password;
    private final String streamUri;
    final AtomicInteger authorizedCalls = new AtomicInteger();

    OnvifTestResponder(String user, String password, String streamUri) throws IOException {
        this.user = user;
        this.password = password;
        this.streamUri = streamUri;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/onvif/", this::handle);
        server.start();
    }

    String deviceService() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/onvif/device_service";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Document d;
            try {
                d = OnvifClient.parseXml(body);
            } catch (RtspException e) {
                send(ex, 400, fault("ter:InvalidArgVal", "bad XML"));
                return;
            }
            Element bodyEl = first(d.getDocumentElement(), "Body");
            Element call = null;
            for (int i = 0; bodyEl != null && i < bodyEl.getChildNodes().getLength(); i++) {
                if (bodyEl.getChildNodes().item(i) instanceof Element e) {
                    call = e;
                    break;
                }
            }
            String action = call == null ? "" : call.getLocalName();
            if (action.equals("GetSystemDateAndTime")) {
                java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
                send(ex, 200, ok("<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:UTCDateTime>"
                        + "<tt:Time><tt:Hour>" + now.getHour() + "</tt:Hour><tt:Minute>" + now.getMinute()
                        + "</tt:Minute><tt:Second>" + now.getSecond() + "</tt:Second></tt:Time>"
                        + "<tt:Date><tt:Year>" + now.getYear() + "</tt:Year><tt:Month>" + now.getMonthValue()
                        + "</tt:Month><tt:Day>" + now.getDayOfMonth() + "</tt:Day></tt:Date>"
                        + "</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"));
                return;
            }
            if (!authorized(d)) {
                send(ex, 400, fault("ter:NotAuthorized", "Sender not Authorized"));
                return;
            }
            authorizedCalls.incrementAndGet();
            String media = "http://127.0.0.1:" + server.getAddress().getPort() + "/onvif/media_service";
            switch (action) {
                case "GetDeviceInformation" -> send(ex, 200, ok("<tds:GetDeviceInformationResponse>"
                        + "<tds:Manufacturer>TestCam</tds:Manufacturer><tds:Model>TC-1</tds:Model>"
                        + "<tds:FirmwareVersion>1.0</tds:FirmwareVersion><tds:SerialNumber>1</tds:SerialNumber>"
                        + "<tds:HardwareId>1</tds:HardwareId></tds:GetDeviceInformationResponse>"));
                case "GetCapabilities" -> send(ex, 200, ok("<tds:GetCapabilitiesResponse><tds:Capabilities>"
                        + "<tt:Media><tt:XAddr>" + media + "</tt:XAddr></tt:Media></tds:Capabilities></tds:GetCapabilitiesResponse>"));
                case "GetProfiles" -> send(ex, 200, ok("<trt:GetProfilesResponse><trt:Profiles token=\"main\" fixed=\"true\">"
                        + "<tt:Name>main</tt:Name></trt:Profiles><trt:Profiles token=\"sub\"><tt:Name>sub</tt:Name>"
                        + "</trt:Profiles></trt:GetProfilesResponse>"));
                case "GetStreamUri" -> {
                    String token = first(call, "ProfileToken").getTextContent();
                    if (!token.equals("main")) {
                        send(ex, 400, fault("ter:InvalidArgVal", "no profile " + token));
                        return;
                    }
                    send(ex, 200, ok("<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>" + streamUri
                            + "</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect></trt:MediaUri>"
                            + "</trt:GetStreamUriResponse>"));
                }
                default -> send(ex, 400, fault("ter:ActionNotSupported", action));
            }
        }
    }

    private boolean authorized(Document d) {
        Element token = first(d.getDocumentElement(), "UsernameToken");
        if (token == null) {
            return false;
        }
        String u = first(token, "Username").getTextContent();
        String digest = first(token, "Password").getTextContent();
        byte[] nonce = Base64.getDecoder().decode(first(token, "Nonce").getTextContent());
        String created = first(token, "Created").getTextContent();
        return u.equals(user) && digest.equals(OnvifClient.passwordDigest(nonce, created, password));
    }

    private static Element first(Element in, String local) {
        NodeList l = in.getElementsByTagNameNS("*", local);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    private static String ok(String body) {
        return envelope("<s:Body>" + body + "</s:Body>");
    }

    private static String fault(String subcode, String reason) {
        return envelope("<s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>" + subcode
                + "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en\">" + reason
                + "</s:Text></s:Reason></s:Fault></s:Body>");
    }

    private static String envelope(String inner) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""
                + " xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" xmlns:trt=\"http://www.onvif.org/ver10/media/wsdl\""
                + " xmlns:tt=\"http://www.onvif.org/ver10/schema\" xmlns:ter=\"http://www.onvif.org/ver10/error\">"
                + inner + "</s:Envelope>";
    }

    private static void send(HttpExchange ex, int status, String xml) throws IOException {
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/soap+xml; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
