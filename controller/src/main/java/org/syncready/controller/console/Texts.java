package org.syncready.controller.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.account.Role;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.School;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.Verdict;

/**
 * The console's words in one language, from {@code messages_zh_CN.properties} and
 * {@code messages_en.properties} beside this class (UTF-8; keys grouped per page group, see
 * docs/CONSOLE.md). A key missing from a bundle shows as the key itself and is logged once.
 */
public final class Texts {
    private static final Logger log = LoggerFactory.getLogger(Texts.class);
    private static final Map<Lang, Texts> ALL = new EnumMap<>(Lang.class);
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    static {
        ALL.put(Lang.ZH, new Texts(Lang.ZH, load("messages_zh_CN.properties")));
        ALL.put(Lang.EN, new Texts(Lang.EN, load("messages_en.properties")));
    }

    private final Lang lang;
    private final Properties words;

    private Texts(Lang lang, Properties words) {
        this.lang = lang;
        this.words = words;
    }

    public static Texts of(Lang lang) {
        return ALL.get(lang);
    }

    /** Every key of a language's bundle (the bundles' test compares them). */
    static Set<String> keys(Lang lang) {
        return ALL.get(lang).words.stringPropertyNames();
    }

    static Properties load(String name) {
        try (InputStream in = Texts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("message bundle missing from the class path: " + name);
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Lang lang() {
        return lang;
    }

    /** The text of {@code key}. */
    public String t(String key) {
        String v = words.getProperty(key);
        if (v == null) {
            if (REPORTED.add(lang + ":" + key)) {
                log.warn("console: no {} text for key '{}'", lang.tag(), key);
            }
            return key;
        }
        return v;
    }

    /** The text of {@code key} with {@code {0}}, {@code {1}}, ... filled in ({@link MessageFormat}). */
    public String t(String key, Object... args) {
        return new MessageFormat(t(key), lang.locale()).format(args);
    }

    public String verdict(Verdict v) {
        return t("verdict." + (v == null ? Verdict.UNKNOWN : v).name());
    }

    public String role(Role r) {
        return t("role." + r.label());
    }

    public String school(School s) {
        return lang.zh() ? s.nameZh() : s.nameEn();
    }

    public String classroom(Classroom c) {
        return lang.zh() ? c.nameZh() : c.nameEn();
    }

    /** A readiness reason's sentence in this language (the readiness engine writes both). */
    public String reason(Reason r) {
        String s = lang.zh() ? r.zh() : r.en();
        return s == null ? r.code().name() : s;
    }
}
