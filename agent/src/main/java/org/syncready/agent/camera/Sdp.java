package org.syncready.agent.camera;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What a camera's SDP (RFC 8866, from RTSP DESCRIBE) says about its video: the first video media
 * section's codec, clock rate, control URL, and the resolution and frame rate where declared
 * ({@code a=framerate}, {@code a=x-dimensions}, {@code a=cliprect}, or the H.264 SPS in
 * {@code sprop-parameter-sets}).
 *
 * @param codec     lower-case encoding name, e.g. {@code h264}, {@code h265}, {@code jpeg}
 * @param control   the track's control attribute (absolute or relative URL), or null
 * @param width     declared width, or null
 * @param height    declared height, or null
 * @param fps       declared frame rate, or null
 */
record Sdp(String codec, int payloadType, int clockRate, String control, Integer width, Integer height, Double fps) {

    /** The video track of an SDP document; empty when it has no video media section. */
    static java.util.Optional<Sdp> parseVideo(String sdp) {
        boolean inVideo = false;
        boolean seenVideo = false;
        int pt = -1;
        String codec = null;
        int clock = 90000;
        String control = null;
        Integer width = null;
        Integer height = null;
        Double fps = null;
        String sprop = null;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            if (line.startsWith("m=")) {
                if (seenVideo) {
                    break;
                }
                String[] f = line.substring(2).split("\\s+");
                inVideo = f.length >= 4 && f[0].equals("video");
                if (inVideo) {
                    seenVideo = true;
                    pt = parseInt(f[3], -1);
                    codec = staticCodec(pt);
                }
                continue;
            }
            if (!inVideo || !line.startsWith("a=")) {
                continue;
            }
            String attr = line.substring(2);
            int colon = attr.indexOf(':');
            String name = (colon < 0 ? attr : attr.substring(0, colon)).toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : attr.substring(colon + 1).strip();
            switch (name) {
                case "rtpmap" -> {
                    String[] f = value.split("\\s+", 2);
                    if (f.length == 2 && parseInt(f[0], -2) == pt) {
                        String[] enc = f[1].split("/");
                        codec = normalizeCodec(enc[0]);
                        if (enc.length > 1) {
                            clock = parseInt(enc[1], clock);
                        }
                    }
                }
                case "control" -> control = value;
                case "framerate" -> fps = parseDouble(value);
                case "x-framerate" -> fps = fps == null ? parseDouble(value) : fps;
                case "x-dimensions" -> {
                    String[] wh = value.split(",");
                    if (wh.length == 2) {
                        width = parseInt(wh[0].strip(), 0) > 0 ? parseInt(wh[0].strip(), 0) : null;
                        height = parseInt(wh[1].strip(), 0) > 0 ? parseInt(wh[1].strip(), 0) : null;
                    }
                }
                case "cliprect" -> {
                    // a=cliprect:top,left,bottom,right
                    String[] r = value.split(",");
                    if (r.length == 4 && width == null) {
                        int w = parseInt(r[3].strip(), 0) - parseInt(r[1].strip(), 0);
                        int h = parseInt(r[2].strip(), 0) - parseInt(r[0].strip(), 0);
                        if (w > 0 && h > 0) {
                            width = w;
                            height = h;
                        }
                    }
                }
                case "fmtp" -> {
                    for (String p : value.replaceFirst("^\\d+\\s*", "").split(";")) {
                        String kv = p.strip();
                        if (kv.toLowerCase(Locale.ROOT).startsWith("sprop-parameter-sets=")) {
                            sprop = kv.substring(kv.indexOf('=') + 1);
                        }
                    }
                }
                default -> {
                }
            }
        }
        if (!seenVideo) {
            return java.util.Optional.empty();
        }
        if (width == null && sprop != null && "h264".equals(codec)) {
            for (String set : sprop.split(",")) {
                try {
                    byte[] nal = Base64.getDecoder().decode(set.strip());
                    if (nal.length > 0 && (nal[0] & 0x1f) == 7) {
                        int[] wh = H264Sps.dimensions(nal);
                        if (wh != null) {
                            width = wh[0];
                            height = wh[1];
                        }
                    }
                } catch (IllegalArgumentException e) {
                    // A broken parameter set declares nothing; the deep check still measures.
                }
            }
        }
        return java.util.Optional.of(new Sdp(codec == null ? "unknown" : codec, pt, clock, control, width, height, fps));
    }

    private static String normalizeCodec(String encoding) {
        String e = encoding.toLowerCase(Locale.ROOT);
        return switch (e) {
            case "h265", "hevc" -> "h265";
            case "jpeg" -> "mjpeg";
            default -> e;
        };
    }

    /** RFC 3551's static video payload types, for cameras that send no rtpmap. */
    private static String staticCodec(int pt) {
        return switch (pt) {
            case 26 -> "mjpeg";
            case 32 -> "mpv";
            case 34 -> "h263";
            default -> null;
        };
    }

    private static int parseInt(String s, int fallback) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Double parseDouble(String s) {
        try {
            double d = Double.parseDouble(s.strip());
            return d > 0 && d < 1000 ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Parses just enough of an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1) for the picture size. */
    static final class H264Sps {
        private final byte[] rbsp;
        private int bit;

        private H264Sps(byte[] rbsp) {
            this.rbsp = rbsp;
        }

        /** {width, height} from an SPS NAL unit (with its header byte), or null when it cannot be read. */
        static int[] dimensions(byte[] nal) {
            try {
                return new H264Sps(unescape(nal)).read();
            } catch (IndexOutOfBoundsException e) {
                return null;
            }
        }

        private static byte[] unescape(byte[] nal) {
            List<Byte> out = new ArrayList<>();
            int zeros = 0;
            for (int i = 1; i < nal.length; i++) {
                byte b = nal[i];
                if (zeros >= 2 && b == 3) {
                    zeros = 0;
                    continue;
                }
                zeros = b == 0 ? zeros + 1 : 0;
                out.add(b);
            }
            byte[] r = new byte[out.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = out.get(i);
            }
            return r;
        }

        private int[] read() {
            int profile = bits(8);
            bits(16); // constraint flags, level
            ue(); // seq_parameter_set_id
            int chromaFormat = 1;
            boolean separateColourPlanes = false;
            if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                    || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                    || profile == 134 || profile == 135) {
                chromaFormat = ue();
                if (chromaFormat == 3) {
                    separateColourPlanes = bits(1) == 1;
                }
                ue(); // bit_depth_luma
                ue(); // bit_depth_chroma
                bits(1); // qpprime_y_zero_transform_bypass
                if (bits(1) == 1) { // seq_scaling_matrix_present
                    for (int i = 0; i < (chromaFormat != 3 ? 8 : 12); i++) {
                        if (bits(1) == 1) {
                            skipScalingList(i < 6 ? 16 : 64);
                        }
                    }
                }
            }
            ue(); // log2_max_frame_num
            int pocType = ue();
            if (pocType == 0) {
                ue();
            } else if (pocType == 1) {
                bits(1);
                se();
                se();
                int n = ue();
                for (int i = 0; i < n; i++) {
                    se();
                }
            }
            ue(); // max_num_ref_frames
            bits(1); // gaps_in_frame_num_allowed
            int widthMbs = ue() + 1;
            int heightMapUnits = ue() + 1;
            int frameMbsOnly = bits(1);
            if (frameMbsOnly == 0) {
                bits(1);
            }
            bits(1); // direct_8x8_inference
            int cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
            if (bits(1) == 1) {
                cropLeft = ue();
                cropRight = ue();
                cropTop = ue();
                cropBottom = ue();
            }
            int chromaArray = separateColourPlanes ? 0 : chromaFormat;
            int subW = chromaArray == 1 || chromaArray == 2 ? 2 : 1;
            int subH = chromaArray == 1 ? 2 : 1;
            int cropUnitX = chromaArray == 0 ? 1 : subW;
            int cropUnitY = (chromaArray == 0 ? 1 : subH) * (2 - frameMbsOnly);
            int width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
            int height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
            return width > 0 && height > 0 && width <= 16384 && height <= 16384 ? new int[]{width, height} : null;
        }

        private void skipScalingList(int size) {
            int last = 8;
            int next = 8;
            for (int j = 0; j < size; j++) {
                if (next != 0) {
                    next = (last + se() + 256) % 256;
                }
                last = next == 0 ? last : next;
            }
        }

        private int bits(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int b = (rbsp[bit >> 3] >> (7 - (bit & 7))) & 1;
                v = (v << 1) | b;
                bit++;
            }
            return v;
        }

        private int ue() {
            int zeros = 0;
            while (bits(1) == 0) {
                zeros++;
                if (zeros > 31) {
                    throw new IndexOutOfBoundsException("bad exp-Golomb code");
                }
            }
            return zeros == 0 ? 0 : (1 << zeros) - 1 + bits(zeros);
        }

        private int se() {
            int k = ue();
            return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
        }
    }
}
