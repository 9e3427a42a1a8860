/**
 * The class stream the box pushes: where to ({@link org.syncready.agent.stream.StreamTarget}, with
 * credentials dropped) and how the encoder is doing. One implementation per encoder kind, chosen by
 * the box model's agent.yaml; {@link org.syncready.agent.stream.FfmpegStreamProbe} reads an ffmpeg
 * encoder's {@code -progress} output.
 */
package org.syncready.agent.stream;
