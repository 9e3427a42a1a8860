package org.syncready.controller.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.syncready.controller.readiness.Verdict;

/** The two message bundles: the same keys, real Chinese (read as UTF-8), placeholders that format. */
class ConsoleTextsTest {

    @Test
    void bothBundlesHaveTheSameKeys() {
        Set<String> zh = new TreeSet<>(Texts.keys(Lang.ZH));
        Set<String> en = new TreeSet<>(Texts.keys(Lang.EN));
        Set<String> onlyZh = new TreeSet<>(zh);
        onlyZh.removeAll(en);
        Set<String> onlyEn = new TreeSet<>(en);
        onlyEn.removeAll(zh);
        assertEquals(Set.of(), onlyZh, "keys only in messages_zh_CN.properties");
        assertEquals(Set.of(), onlyEn, "keys only in messages_en.properties");
        assertTrue(zh.size() > 40, zh.toString());
    }

    @Test
    void chineseIsReadAsUtf8AndPlaceholdersFormat() {
        Texts zh = Texts.of(Lang.ZH);
        assertEquals("就绪", zh.verdict(Verdict.READY));
        assertEquals("有风险", zh.verdict(Verdict.AT_RISK));
        assertEquals("未就绪", zh.verdict(Verdict.NOT_READY));
        assertEquals("未知", zh.verdict(Verdict.UNKNOWN));
        assertEquals("下次检查 07:30", zh.t("today.nextCheck", "07:30"));
        assertEquals("Next check 07:30", Texts.of(Lang.EN).t("today.nextCheck", "07:30"));
        for (String key : Texts.keys(Lang.EN)) {
            // Each English text formats (MessageFormat quotes are easy to get wrong) and differs from its key.
            String text = Texts.of(Lang.EN).t(key, "x", "y", "z");
            assertNotEquals(key, text, key);
        }
    }

    @Test
    void languageTagsDefaultToChinese() {
        assertEquals(Lang.ZH, Lang.parse(null));
        assertEquals(Lang.ZH, Lang.parse("fr"));
        assertEquals(Lang.EN, Lang.parse("en"));
        assertEquals(Lang.EN, Lang.parse("EN-us"));
    }
}
