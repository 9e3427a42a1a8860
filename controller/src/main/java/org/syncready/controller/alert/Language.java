package org.syncready.controller.alert;

/** The language of a channel's messages: school staff read Chinese; English as a second line or alone. */
public enum Language {
    ZH("zh"), ZH_EN("zh-en"), EN("en");

    private final String label;

    Language(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean chinese() {
        return this != EN;
    }

    public boolean english() {
        return this != ZH;
    }

    public static Language of(String label) {
        for (Language l : values()) {
            if (l.label.equals(label)) {
                return l;
            }
        }
        throw new IllegalArgumentException(label);
    }
}
