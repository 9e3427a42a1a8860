/**
 * Measuring the box. A {@link org.syncready.agent.probe.Probe} measures one thing;
 * {@link org.syncready.agent.probe.ProbeRunner} runs probes in rounds with a timeout each, so a hung
 * probe never blocks reporting; a {@link org.syncready.agent.probe.Snapshot} is one round's result.
 * Real probes read Linux's /proc and /sys ({@link org.syncready.agent.probe.SystemProbe},
 * {@link org.syncready.agent.probe.LinkNetworkProbe}); cameras, microphones and the stream are seams
 * ({@link org.syncready.agent.probe.CameraProbe}, {@link org.syncready.agent.probe.MicrophoneProbe},
 * {@link org.syncready.agent.probe.StreamProbe}) whose real implementations live in their own
 * packages ({@code audio}, {@code stream}; network quality in {@code netcheck}), next to the
 * simulated ones in {@code sim}.
 */
package org.syncready.agent.probe;
