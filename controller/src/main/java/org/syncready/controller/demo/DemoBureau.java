package org.syncready.controller.demo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.RegistryException;

/** The sample bureau: a county with one strong lead school and three rural remote schools. */
final class DemoBureau {
    record SchoolSeed(String id, String nameZh, String nameEn, String classroomPrefix) {
    }

    static final List<SchoolSeed> SCHOOLS = List.of(
            new SchoolSeed("lead-no1", "县第一实验小学", "County No.1 Experimental Primary School", "lead"),
            new SchoolSeed("remote-hexi", "河西镇中心小学", "Hexi Town Central Primary School", "hexi"),
            new SchoolSeed("remote-shanbei", "山北乡小学", "Shanbei Township Primary School", "shanbei"),
            new SchoolSeed("remote-liping", "黎坪村小", "Liping Village School", "liping"));

    static final String MODEL = "generic-recorder-a";

    private DemoBureau() {
    }

    /** Registers the schools, three classrooms each and one box per classroom; returns the boxes' credentials. */
    static List<BoxRegistration> seed(FleetRegistry registry) throws RegistryException, SQLException {
        List<BoxRegistration> boxes = new ArrayList<>();
        for (SchoolSeed s : SCHOOLS) {
            registry.addSchool(s.id(), s.nameZh(), s.nameEn());
            for (int grade = 3; grade <= 5; grade++) {
                String classroom = s.classroomPrefix() + "-g" + grade;
                registry.addClassroom(classroom, s.id(), s.nameZh() + " " + grade + "年级1班",
                        s.nameEn() + " Grade " + grade + " Class 1");
                boxes.add(registry.registerBox("box-" + classroom, classroom, MODEL));
            }
        }
        return boxes;
    }
}
