package org.syncready.controller.console;

import java.util.List;

/**
 * What the layout needs on every page: the language and its words, who is logged in (their role and
 * schools by name), the CSRF token htmx sends, the navigation and the asset URLs. Built by
 * {@link ConsoleRouter#frame}; templates read words with {@code f.t("key")}.
 *
 * @param user        null on a page shown to nobody logged in (an error before login)
 * @param schoolNames the user's schools by name (empty for admin and bureau: all schools)
 * @param nav         the current entry's id (highlighted)
 * @param path        the page's own path and query (the language switch comes back to it)
 */
public record Frame(Lang lang, Texts texts, String user, String roleLabel, List<String> schoolNames, String csrf,
                    String title, String nav, List<NavItem> navItems, Assets assets, String path) {

    public String t(String key) {
        return texts.t(key);
    }

    public String t(String key, Object... args) {
        return texts.t(key, args);
    }

    public String asset(String name) {
        return assets.url(name);
    }

    /** The header htmx sends with every request it makes ({@code hx-headers} on {@code <body>}). */
    public String csrfHeaders() {
        return csrf == null ? "{}" : "{\"X-CSRF-Token\":\"" + csrf + "\"}";
    }

    /** The language switch's link: sets the other language and comes back here. */
    public String switchLangHref() {
        return "/console/lang?to=" + lang.other().tag() + "&back=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean allSchools() {
        return schoolNames.isEmpty();
    }
}
