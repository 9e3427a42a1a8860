#!/usr/bin/python3
"""A real RTSP camera for the agent's tests: GStreamer's RTSP server from Debian.

Serves /ball (moving picture: a healthy camera), /smpte (a still picture: frozen) and
/black (a black picture), H.264 over RTP. With --user/--password every mount needs that
login (--auth basic or digest). Prints "READY <port>" on stdout once it listens; runs until
killed or until stdin closes (so it never outlives the test JVM).

Needs: gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-{base,good,ugly}.
"""
import argparse
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--auth", choices=["basic", "digest"], default="digest")
    a = p.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.port))
    mounts = server.get_mount_points()
    for pattern in ("ball", "smpte", "black"):
        factory = GstRtspServer.RTSPMediaFactory()
        if pattern == "smpte":
            # A camera whose picture froze: one frame repeated. (A live smpte source is not still
            # enough: its frames differ a little each time, and freezedetect rightly sees that.)
            source = ("videotestsrc pattern=smpte num-buffers=1 ! video/x-raw,width=%d,height=%d "
                      "! imagefreeze is-live=true ! video/x-raw,framerate=%d/1" % (a.width, a.height, a.fps))
        else:
            # The ball on grey: on its default black background it is 99 % black pixels, which
            # blackdetect rightly calls a black picture.
            source = ("videotestsrc is-live=true pattern=%s%s ! video/x-raw,width=%d,height=%d,framerate=%d/1"
                      % (pattern, " background-color=0xff808080" if pattern == "ball" else "", a.width, a.height, a.fps))
        factory.set_launch(
            "( %s ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%d "
            "! rtph264pay name=pay0 pt=96 config-interval=1 )" % (source, a.fps))
        # One pipeline per client, as a camera gives each client its own session: a shared media that a
        # DESCRIBE-only client left behind stalled other clients' PLAY here (GStreamer 1.22).
        factory.set_shared(False)
        if a.user:
            # add_role() is variadic C, not callable from Python; the structure form is.
            role = Gst.Structure.new_from_string(
                "camera-user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")
            factory.add_role_from_structure(role)
        mounts.add_factory("/" + pattern, factory)
    if a.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "camera-user")
        if a.auth == "basic":
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        else:
            auth.add_digest(a.user, a.password, token)
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)

    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        print("FAILED to listen", flush=True)
        sys.exit(1)
    print("READY %d" % server.get_bound_port(), flush=True)

    def watch_stdin():
        sys.stdin.read()
        loop.quit()

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.run()


if __name__ == "__main__":
    main()
