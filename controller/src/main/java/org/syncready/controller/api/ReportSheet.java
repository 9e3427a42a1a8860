package org.syncready.controller.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.School;
import org.syncready.controller.readiness.ReadinessReport;

/**
 * The readiness report as people read it: each row with the names of its school (and classroom)
 * beside the ids, in JSON, CSV (UTF-8 with a BOM, so Excel in zh-CN opens the Chinese headers right)
 * and XLSX. One list of columns serves the CSV and the workbook, so they never disagree.
 */
public final class ReportSheet {
    /** Names of schools and classrooms by id; absent for ids no longer in the registry. */
    interface Names {
        School school(String id);

        Classroom classroom(String id);
    }

    private record Column(String header, Function<Line, Object> value) {
    }

    /** A report row with the registry's names (school or classroom null when no longer in the registry). */
    public record Line(ReadinessReport.Row row, String schoolId, School school, String classroomId, Classroom classroom) {
    }

    private final boolean byClassroom;
    private final List<Line> lines = new ArrayList<>();

    ReportSheet(List<ReadinessReport.Row> rows, ReadinessReport.GroupBy groupBy, Names names) {
        this.byClassroom = groupBy == ReadinessReport.GroupBy.CLASSROOM;
        for (ReadinessReport.Row r : rows) {
            if (byClassroom) {
                Classroom c = names.classroom(r.key());
                String schoolId = c == null ? null : c.schoolId();
                lines.add(new Line(r, schoolId, schoolId == null ? null : names.school(schoolId), r.key(), c));
            } else {
                lines.add(new Line(r, r.key(), names.school(r.key()), null, null));
            }
        }
    }

    /** The rows with their names, as the CSV and the workbook list them (the web console's table too). */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** True when grouped by classroom (rows name a classroom and its school), false by school. */
    public boolean byClassroom() {
        return byClassroom;
    }

    private List<Column> columns() {
        List<Column> cols = new ArrayList<>();
        if (byClassroom) {
            cols.add(new Column("classroom 班级", l -> l.classroomId()));
            cols.add(new Column("classroom_name 班级名称", l -> l.classroom() == null ? null : l.classroom().nameZh()));
            cols.add(new Column("classroom_name_en 班级英文名称", l -> l.classroom() == null ? null : l.classroom().nameEn()));
        }
        cols.add(new Column("school 学校", l -> l.schoolId()));
        cols.add(new Column("school_name 学校名称", l -> l.school() == null ? null : l.school().nameZh()));
        cols.add(new Column("school_name_en 学校英文名称", l -> l.school() == null ? null : l.school().nameEn()));
        cols.add(new Column("sessions 课次", l -> l.row().sessions()));
        cols.add(new Column("checked 已检查", l -> l.row().checked()));
        cols.add(new Column("unchecked 未检查", l -> l.row().unchecked()));
        cols.add(new Column("ready 就绪", l -> l.row().ready()));
        cols.add(new Column("readiness_rate 就绪率", l -> l.row().readinessRate()));
        cols.add(new Column("without_incident 无故障课次", l -> l.row().withoutIncident()));
        cols.add(new Column("incidents 故障数", l -> l.row().incidents()));
        cols.add(new Column("minutes_lost 损失分钟", l -> l.row().minutesLost()));
        return cols;
    }

    /** The rows as JSON: the report's figures plus ids and names. */
    ArrayNode json(ObjectMapper json) {
        ArrayNode out = json.createArrayNode();
        for (Line l : lines) {
            ObjectNode n = json.valueToTree(l.row());
            if (byClassroom) {
                n.put("classroomId", l.classroomId());
                n.put("classroomNameZh", l.classroom() == null ? null : l.classroom().nameZh());
                n.put("classroomNameEn", l.classroom() == null ? null : l.classroom().nameEn());
            }
            n.put("schoolId", l.schoolId());
            n.put("schoolNameZh", l.school() == null ? null : l.school().nameZh());
            n.put("schoolNameEn", l.school() == null ? null : l.school().nameEn());
            out.add(n);
        }
        return out;
    }

    String csv() {
        StringBuilder out = new StringBuilder("\uFEFF");
        List<Column> cols = columns();
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT)) {
            p.printRecord(cols.stream().map(Column::header).toList());
            for (Line l : lines) {
                p.printRecord(cols.stream().map(c -> {
                    Object v = c.value().apply(l);
                    return v == null ? "" : v;
                }).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** One sheet, a bold header row, numbers as numbers (sums and charts work), ids and names as text. */
    byte[] xlsx(String sheetName) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Column> cols = columns();
        try {
            Workbook wb = new Workbook(bytes, "SyncReady", null);
            Worksheet ws = wb.newWorksheet(sheetName);
            for (int c = 0; c < cols.size(); c++) {
                ws.value(0, c, cols.get(c).header());
                ws.style(0, c).bold().set();
            }
            for (int r = 0; r < lines.size(); r++) {
                for (int c = 0; c < cols.size(); c++) {
                    Object v = cols.get(c).value().apply(lines.get(r));
                    if (v instanceof Number n) {
                        ws.value(r + 1, c, n);
                    } else if (v != null) {
                        ws.value(r + 1, c, v.toString());
                    }
                }
            }
            ws.freezePane(0, 1);
            wb.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
