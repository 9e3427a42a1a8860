package org.syncready.agent.audio;

/**
 * A capture device found on the box.
 *
 * @param id     stable id for reports, e.g. {@code mic-pch-0}
 * @param device what to open: an ALSA name ({@code hw:0,0}) or part of a Java Sound mixer's name
 * @param name   human-readable description
 */
public record AudioDevice(String id, String device, String name) {
}
