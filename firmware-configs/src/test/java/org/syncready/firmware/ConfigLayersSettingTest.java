package org.syncready.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A typed setting (the CLI's --set KEY=VALUE, the console's override rows) as the layer it stands for. */
class ConfigLayersSettingTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aDottedKeyIsTheNestedLayer() throws Exception {
        assertEquals(json.readTree("{\"stream\":{\"pushUrl\":\"rtmp://x/y\"}}"),
                ConfigLayers.setting("stream.pushUrl", ConfigLayers.settingValue("rtmp://x/y")));
        assertEquals(json.readTree("{\"fps\":25}"), ConfigLayers.setting("fps", ConfigLayers.settingValue("25")));
    }

    @Test
    void jsonLikeTextIsJsonAndEverythingElseIsTheTextAsGiven() {
        assertTrue(ConfigLayers.settingValue(" 2000 ").isInt());
        assertTrue(ConfigLayers.settingValue("1.5e3").isNumber());
        assertTrue(ConfigLayers.settingValue("true").isBoolean());
        assertTrue(ConfigLayers.settingValue("null").isNull());
        assertTrue(ConfigLayers.settingValue("[1,2]").isArray());
        assertEquals("quoted", ConfigLayers.settingValue("\"quoted\"").asText());
        assertEquals("[x", ConfigLayers.settingValue("[x").asText(), "not JSON after all: the text");
        assertEquals(" a b ", ConfigLayers.settingValue(" a b ").asText(), "plain text is kept as given");
    }
}
