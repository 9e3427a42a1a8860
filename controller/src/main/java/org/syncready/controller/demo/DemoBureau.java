package org.syncready.controller.demo;

import java.util.ArrayList;
import java.util.List;
import org.syncready.controller.fleet.BoxRegistration;
import org.syncready.controller.fleet.FleetRegistry;

/** The sample bureau: a county with one strong lead school and three rural remote schools. */
final class DemoBureau {
    /**
     * @param model   box model of the school's classrooms
     * @param profile catalogue profile its boxes run (the village school's weak uplink gets 720p)
     */
    record SchoolSeed(String id, String nameZh, String nameEn, String classroomPrefix, String model, String profile) {
    }

    static final List<SchoolSeed> SCHOOLS = List.of(
            new SchoolSeed("lead-no1", "县第一实验小学", "County No.1 Experimental Primary School", "lead",
                    "generic-recorder-a", "generic-recorder-a/standard-1080p"),
            new SchoolSeed("remote-hexi", "河西镇中心小学", "Hexi Town Central Primary School", "hexi",
                    "generic-recorder-b", "generic-recorder-b/classroom-1080p"),
            new SchoolSeed("remote-shanbei", "山北乡小学", "Shanbei Township Primary School", "shanbei",
                    "generic-recorder-b", "generic-recorder-b/classroom-1080p"),
            new SchoolSeed("remote-liping", "黎坪村小", "Liping Village School", "liping",
                    "generic-recorder-b", "generic-recorder-b/classroom-720p"));

    /** The first rollout of each school, so every demo box runs a catalogue profile from the start. */
    static List<com.fasterxml.jackson.databind.JsonNode> initialRollouts(com.fasterxml.jackson.databind.ObjectMapper json) {
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        for (SchoolSeed s : SCHOOLS) {
            com.fasterxml.jackson.databind.node.ObjectNode r = json.createObjectNode().put("profile", s.profile())
                    .put("note", "demo: initial configuration of " + s.nameEn());
            r.putObject("target").putArray("schools").add(s.id());
            r.putObject("strategy").put("boxTimeoutS", 600).putArray("waves").add("100%");
            out.add(r);
        }
        return out;
    }

    private DemoBureau() {
    }

    /** Registers the schools, three classrooms each and one box per classroom; returns the boxes' credentials. */
    static List<BoxRegistration> seed(FleetRegistry registry) {
        List<BoxRegistration> boxes = new ArrayList<>();
        for (SchoolSeed s : SCHOOLS) {
            registry.addSchool(s.id(), s.nameZh(), s.nameEn());
            for (int grade = 3; grade <= 5; grade++) {
                String classroom = s.classroomPrefix() + "-g" + grade;
                registry.addClassroom(classroom, s.id(), s.nameZh() + " " + grade + "年级1班",
                        s.nameEn() + " Grade " + grade + " Class 1");
                boxes.add(registry.registerBox("box-" + classroom, classroom, s.model()));
            }
        }
        return boxes;
    }
}
