package org.syncready.controller.alert;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * E-mail over SMTP with Eclipse Angus Mail: STARTTLS (required, never a silent fall-back to clear
 * text), SMTPS, or none for a local relay; login when a user name is set; plain text and HTML in one
 * message. SMTP's own answer decides a retry: 4xx and a network failure are tried again, 5xx, a
 * refused login or a TLS problem are refusals that need a person.
 */
final class SmtpMail implements Sender {
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int IO_TIMEOUT_MS = 20_000;
    private final Clock clock;

    SmtpMail(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Result send(AlertChannel channel, Outgoing message) throws InterruptedException {
        AlertChannel.Smtp smtp = channel.target().smtp();
        String protocol = smtp.security() == AlertChannel.SmtpSecurity.SMTPS ? "smtps" : "smtp";
        try {
            Session session = Session.getInstance(properties(smtp, protocol));
            MimeMessage mail = mail(session, smtp, message);
            try (Transport t = session.getTransport(protocol)) {
                t.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
                t.sendMessage(mail, mail.getAllRecipients());
            }
            return Result.sent("250");
        } catch (AuthenticationFailedException e) {
            return Result.failed("535", "the SMTP server refused the login: " + SecretText.scrub(e.getMessage(), null));
        } catch (SMTPSendFailedException e) {
            return byCode(e.getReturnCode(), e.getMessage());
        } catch (SendFailedException e) {
            Exception next = e.getNextException();
            if (next instanceof SMTPAddressFailedException a) {
                return byCode(a.getReturnCode(), a.getMessage());
            }
            return Result.failed(null, "recipients refused: " + SecretText.scrub(e.getMessage(), null));
        } catch (MessagingException e) {
            return network(e);
        } catch (GeneralSecurityException | IOException e) {
            return Result.failed(null, "TLS set-up failed: " + SecretText.scrub(e.getMessage(), null));
        }
    }

    private Properties properties(AlertChannel.Smtp smtp, String protocol) throws GeneralSecurityException, IOException {
        Properties p = new Properties();
        String pre = "mail." + protocol + ".";
        p.put(pre + "host", smtp.host());
        p.put(pre + "port", String.valueOf(smtp.port()));
        p.put(pre + "connectiontimeout", String.valueOf(CONNECT_TIMEOUT_MS));
        p.put(pre + "timeout", String.valueOf(IO_TIMEOUT_MS));
        p.put(pre + "writetimeout", String.valueOf(IO_TIMEOUT_MS));
        p.put(pre + "auth", String.valueOf(smtp.username() != null));
        if (smtp.security() == AlertChannel.SmtpSecurity.STARTTLS) {
            p.put(pre + "starttls.enable", "true");
            p.put(pre + "starttls.required", "true");
        }
        if (smtp.security() != AlertChannel.SmtpSecurity.NONE) {
            if (smtp.trustedCertificatePem() != null) {
                // A pinned certificate: it alone is trusted, so the host name it was issued to need not match.
                p.put(pre + "ssl.socketFactory", pinned(smtp.trustedCertificatePem()).getSocketFactory());
                p.put(pre + "ssl.checkserveridentity", "false");
            } else {
                p.put(pre + "ssl.checkserveridentity", "true");
            }
            p.put(pre + "ssl.protocols", "TLSv1.3 TLSv1.2");
        }
        return p;
    }

    private static SSLContext pinned(String pem) throws GeneralSecurityException, IOException {
        Certificate cert = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("smtp", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private MimeMessage mail(Session session, AlertChannel.Smtp smtp, Outgoing message) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(smtp.from()));
        for (String to : smtp.to()) {
            m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        }
        m.setSubject(message.doc().title(), "UTF-8");
        m.setSentDate(Date.from(clock.instant()));
        m.setHeader(SignedWebhook.DELIVERY, String.valueOf(message.deliveryId()));
        MimeBodyPart text = new MimeBodyPart();
        text.setText(Formats.text(message.doc()), "UTF-8", "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(Formats.html(message.doc()), "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        m.setContent(alternative);
        return m;
    }

    private static Result byCode(int code, String message) {
        String detail = SecretText.scrub(message, null);
        return code >= 400 && code < 500 ? Result.retry(String.valueOf(code), detail) : Result.failed(String.valueOf(code), detail);
    }

    /** A failure below SMTP: the network (tried again) or TLS and configuration (a person must look). */
    private static Result network(MessagingException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause() != null ? t.getCause()
                : t instanceof MessagingException m ? m.getNextException() : null) {
            if (t instanceof SSLException) {
                return Result.failed(null, "TLS failed: " + SecretText.scrub(t.getMessage(), null));
            }
            if (t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return Result.retry(null, t.getClass().getSimpleName() + ": " + SecretText.scrub(t.getMessage(), null));
            }
            if (t instanceof IOException) {
                return Result.retry(null, "I/O: " + SecretText.scrub(t.getMessage(), null));
            }
        }
        return Result.failed(null, SecretText.scrub(e.getMessage(), null));
    }

    @Override
    public int measure(AlertChannel channel, Outgoing message) {
        return Formats.html(message.doc()).getBytes(StandardCharsets.UTF_8).length
                + Formats.text(message.doc()).getBytes(StandardCharsets.UTF_8).length;
    }
}
