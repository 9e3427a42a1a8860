/**
 * Microphones: capture devices from ALSA ({@code /proc/asound}) or Java Sound, a short capture
 * window per device, and its RMS / peak level in dBFS with silence and clipping judged against
 * configured limits ({@link org.syncready.agent.audio.CaptureMicrophoneProbe}).
 */
package org.syncready.agent.audio;
