/**
 * Real camera checks: USB cameras from V4L2's sysfs tree, IP cameras over RTSP (a small RTSP client:
 * OPTIONS, DESCRIBE with Basic/Digest auth, SDP, a short PLAY window over TCP), ONVIF discovery of
 * the stream URI, and deep checks of the decoded picture with ffmpeg in a child process.
 * {@link org.syncready.agent.camera.RealCameraProbe} is the public face; it never lets a slow camera
 * hold up a probe round.
 */
package org.syncready.agent.camera;
