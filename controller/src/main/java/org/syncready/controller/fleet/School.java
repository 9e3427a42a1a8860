package org.syncready.controller.fleet;

/** A school, named in Chinese and English. */
public record School(String id, String nameZh, String nameEn) {
}
