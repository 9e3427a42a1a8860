package org.syncready.controller.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.security.cert.Certificate;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.syncready.controller.TestClock;

/**
 * E-mail against GreenMail (a real SMTP and SMTPS server in the test): login, plain text and HTML
 * with Chinese text, SMTPS with a pinned certificate, and the failures a person must fix (a refused
 * login, an untrusted certificate, a server without STARTTLS: never sent in clear) told apart from
 * one worth retrying (no server).
 */
class SmtpMailTest {
    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort()})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@bureau.example.cn", "alerts", "mail-password"));

    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T23:30:00Z"));
    private final NoticeText text = new NoticeText(ZoneId.of("Asia/Shanghai"),
            new AlertLinks(() -> "https://syncready.example.cn", new AckTokens(new byte[32], clock)));

    private static AlertChannel mail(int port, AlertChannel.SmtpSecurity security, String password, String pem) {
        AlertChannel.Smtp smtp = new AlertChannel.Smtp("127.0.0.1", port, security, "alerts", password, "alerts@bureau.example.cn",
                List.of("it@hexi.example.cn", "head@hexi.example.cn"), pem);
        return new AlertChannel("mail-1", "hexi", ChannelKind.EMAIL, "河西信息中心邮箱", true, Language.ZH_EN, EnumSet.allOf(AlertTopic.class),
                AlertLevel.WARNING, 30, new AlertChannel.Target(null, null, smtp), Instant.EPOCH, Instant.EPOCH);
    }

    private Sender.Outgoing message() {
        Notice n = new Notice(42, AlertTopic.READINESS, "hexi", "河西镇中心小学", "Hexi Central Primary", "T-30", clock.instant(),
                List.of(new Notice.Item("ready|s|hexi-g3", Notice.Change.NEW, AlertLevel.CRITICAL, "hexi-g3", "河西镇中心小学 三年级1班",
                        "Hexi Grade 3", "box-hexi-g3", "s-1", "科学", Instant.parse("2026-03-02T00:00:00Z"), "县一小 三年级1班",
                        "County No.1 Grade 3", "NOT_READY", List.of(new Notice.Finding("MIC_SILENT:mic", "麦克风无信号", "microphone silent")),
                        null, null, null, null, null)));
        return new Sender.Outgoing(42, text.render(n, Language.ZH_EN, "河西信息中心邮箱"), List.of(n), false, false);
    }

    private static String pem() throws Exception {
        Certificate cert = ((DummySSLServerSocketFactory) DummySSLServerSocketFactory.getDefault()).getKeyStore().getCertificate("greenmail");
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void aLoginToALocalRelaySendsTextAndHtmlInChinese() throws Exception {
        Sender.Result r = new SmtpMail(clock).send(mail(MAIL.getSmtp().getPort(), AlertChannel.SmtpSecurity.NONE, "mail-password", null), message());
        assertEquals(DeliveryAttempt.Outcome.SENT, r.outcome(), r.toString());
        MimeMessage[] received = MAIL.getReceivedMessages();
        assertEquals(2, received.length, "one copy per recipient");
        MimeMessage m = received[0];
        assertTrue(m.getSubject().startsWith("【SyncReady】T-30 课前检查：河西镇中心小学"), m.getSubject());
        assertEquals("42", m.getHeader("X-SyncReady-Delivery")[0]);
        Multipart parts = (Multipart) m.getContent();
        assertEquals(2, parts.getCount());
        BodyPart plain = parts.getBodyPart(0);
        BodyPart html = parts.getBodyPart(1);
        assertTrue(plain.isMimeType("text/plain") && html.isMimeType("text/html"));
        assertTrue(((String) plain.getContent()).contains("麦克风无信号"));
        assertTrue(((String) html.getContent()).contains("<a href=\"https://syncready.example.cn/api/v1/sessions/s-1/readiness\">"));
    }

    @Test
    void smtpsWithThePinnedCertificateIsDeliveredAndWithoutItIsRefused() throws Exception {
        int port = MAIL.getSmtps().getPort();
        assertEquals(DeliveryAttempt.Outcome.SENT, new SmtpMail(clock).send(mail(port, AlertChannel.SmtpSecurity.SMTPS, "mail-password",
                pem()), message()).outcome());
        Sender.Result untrusted = new SmtpMail(clock).send(mail(port, AlertChannel.SmtpSecurity.SMTPS, "mail-password", null), message());
        assertEquals(DeliveryAttempt.Outcome.FAILED, untrusted.outcome(), untrusted.toString());
        assertTrue(untrusted.detail().startsWith("TLS"), untrusted.detail());
    }

    @Test
    void starttlsIsRequiredNeverDroppedToClearText() throws Exception {
        Sender.Result r = new SmtpMail(clock).send(mail(MAIL.getSmtp().getPort(), AlertChannel.SmtpSecurity.STARTTLS, "mail-password", null),
                message());
        assertEquals(DeliveryAttempt.Outcome.FAILED, r.outcome(), r.toString());
        assertTrue(r.detail().contains("STARTTLS"), r.detail());
        assertEquals(0, MAIL.getReceivedMessages().length, "nothing went out in clear text");
    }

    @Test
    void aRefusedLoginIsARefusalAndNoServerIsARetry() throws Exception {
        Sender.Result refused = new SmtpMail(clock).send(mail(MAIL.getSmtp().getPort(), AlertChannel.SmtpSecurity.NONE, "wrong", null), message());
        assertEquals(DeliveryAttempt.Outcome.FAILED, refused.outcome(), refused.toString());
        assertEquals("535", refused.code());
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        Sender.Result down = new SmtpMail(clock).send(mail(free, AlertChannel.SmtpSecurity.NONE, "mail-password", null), message());
        assertEquals(DeliveryAttempt.Outcome.RETRY, down.outcome(), down.toString());
    }
}
