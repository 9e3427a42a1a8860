package org.syncready.controller.console;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** The console's languages: Chinese first (the default), English on request; the choice is kept in a cookie. */
public enum Lang {
    ZH("zh-CN", Locale.SIMPLIFIED_CHINESE),
    EN("en", Locale.ENGLISH);

    /** The cookie holding the user's choice ({@link #tag()}). */
    public static final String COOKIE = "syncready_lang";

    private final String tag;
    private final Locale locale;

    Lang(String tag, Locale locale) {
        this.tag = tag;
        this.locale = locale;
    }

    /** The BCP 47 tag, as in {@code <html lang>} and the cookie. */
    public String tag() {
        return tag;
    }

    public Locale locale() {
        return locale;
    }

    public boolean zh() {
        return this == ZH;
    }

    /** The other language (what the switch offers). */
    public Lang other() {
        return this == ZH ? EN : ZH;
    }

    /** {@code zh-CN}, {@code zh}, {@code en} (any case); anything else is Chinese, the default. */
    public static Lang parse(String tag) {
        return tag != null && tag.toLowerCase(Locale.ROOT).startsWith("en") ? EN : ZH;
    }

    /** The request's language: the cookie, else Chinese. */
    public static Lang of(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        return parse(c == null ? null : c.getValue());
    }
}
