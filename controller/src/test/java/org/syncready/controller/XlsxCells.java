package org.syncready.controller;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads the first sheet of an .xlsx with the JDK alone (zip + DOM), independent of the library that
 * wrote it: rows of cell texts, shared strings resolved, numbers as written.
 */
final class XlsxCells {
    private XlsxCells() {
    }

    static List<List<String>> read(byte[] xlsx) throws Exception {
        // Through the central directory, as spreadsheet programs read it (fastexcel streams its entries
        // with data descriptors, which java.util.zip.ZipInputStream does not take with Zip64 sizes).
        Map<String, byte[]> parts = new HashMap<>();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("report", ".xlsx");
        try {
            java.nio.file.Files.write(file, xlsx);
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    parts.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        List<String> shared = new ArrayList<>();
        if (parts.containsKey("xl/sharedStrings.xml")) {
            NodeList si = xml(parts.get("xl/sharedStrings.xml")).getElementsByTagName("si");
            for (int i = 0; i < si.getLength(); i++) {
                shared.add(si.item(i).getTextContent());
            }
        }
        byte[] sheet = parts.get("xl/worksheets/sheet1.xml");
        if (sheet == null) {
            throw new IOException("no xl/worksheets/sheet1.xml in " + parts.keySet());
        }
        List<List<String>> rows = new ArrayList<>();
        NodeList rowNodes = xml(sheet).getElementsByTagName("row");
        for (int r = 0; r < rowNodes.getLength(); r++) {
            List<String> cells = new ArrayList<>();
            NodeList cs = ((Element) rowNodes.item(r)).getElementsByTagName("c");
            for (int c = 0; c < cs.getLength(); c++) {
                Element cell = (Element) cs.item(c);
                String type = cell.getAttribute("t");
                String text = cell.getTextContent();
                cells.add(type.equals("s") ? shared.get(Integer.parseInt(text)) : text);
            }
            rows.add(cells);
        }
        return rows;
    }

    private static Document xml(byte[] bytes) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }
}
