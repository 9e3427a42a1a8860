package org.syncready.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Encodes and decodes protocol v1 payloads. Decoding checks, in this order: size, topic, JSON (a key
 * twice in one object is not valid here), version, required fields and values, and that the box named
 * in the payload is the box of the topic. Unknown fields are ignored, so either side may add fields
 * without breaking the other.
 * Thread-safe; make one and share it.
 */
public final class MessageCodec {
    private static final Pattern MISSING_PROPERTY = Pattern.compile("Missing required creator property '([^']+)'");
    private final ObjectMapper mapper;

    public MessageCodec() {
        JsonFactory factory = JsonFactory.builder()
                // A 64 KiB payload cannot legitimately nest deeper than this; refuse hostile input early.
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                // {"boxId":"a","boxId":"b"} would otherwise mean the last value, while the raw text the
                // controller stores still shows the first: two readings of one message. Refuse it.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        mapper = new ObjectMapper(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /** The mapper this codec uses, for callers that need the same JSON settings (e.g. config bodies). */
    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] encode(Object message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a payload received on a box topic. */
    public Message decode(String topic, byte[] payload) throws ProtocolException {
        checkSize(payload);
        BoxTopic boxTopic = Topics.parse(topic);
        Message message = decode(boxTopic.channel().messageType(), payload);
        if (!message.boxId().equals(boxTopic.boxId())) {
            throw new ProtocolException(ProtocolException.Reason.BOX_MISMATCH,
                    "payload is for box '" + message.boxId() + "' but was sent on the topic of box '" + boxTopic.boxId() + "'");
        }
        return message;
    }

    /** Decodes a payload of a known type, without a topic (files, tests, controller state). */
    public <T> T decode(Class<T> type, byte[] payload) throws ProtocolException {
        checkSize(payload);
        try {
            return mapper.readValue(payload, type);
        } catch (JsonMappingException e) {
            throw refusal(payload, e);
        } catch (IOException e) {
            throw new ProtocolException(ProtocolException.Reason.BAD_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private ProtocolException refusal(byte[] payload, JsonMappingException e) {
        if (e.getCause() instanceof StreamReadException syntax) {
            // Bad JSON inside a nested value (a key twice in a camera, say) arrives wrapped with its path.
            return new ProtocolException(ProtocolException.Reason.BAD_JSON, "not valid JSON: " + firstLine(syntax.getMessage()));
        }
        if (e.getCause() instanceof ProtocolViolation violation) {
            return new ProtocolException(violation.reason, violation.getMessage());
        }
        if (e instanceof MismatchedInputException mismatch) {
            Matcher missing = MISSING_PROPERTY.matcher(String.valueOf(e.getOriginalMessage()));
            if (missing.find()) {
                return missingField(payload, mismatch, missing.group(1));
            }
            if (!(e instanceof InvalidFormatException)) {
                ProtocolException.Reason reason = e.getPath().isEmpty()
                        ? ProtocolException.Reason.BAD_JSON : ProtocolException.Reason.INVALID_FIELD;
                return new ProtocolException(reason, describe(e));
            }
        }
        return new ProtocolException(ProtocolException.Reason.INVALID_FIELD, describe(e));
    }

    /**
     * Jackson reports a missing required field before the record's constructor checks the version;
     * a message of another version is refused as such, not for lacking one of v1's fields.
     */
    private ProtocolException missingField(byte[] payload, MismatchedInputException e, String field) {
        try {
            JsonNode root = mapper.readTree(payload);
            JsonNode v = root.path("v");
            if (!v.isInt() || v.intValue() != Protocol.VERSION) {
                return new ProtocolException(ProtocolException.Reason.UNSUPPORTED_VERSION,
                        v.isMissingNode() ? "missing protocol version 'v'" : "unsupported protocol version v=" + v);
            }
            JsonNode boxId = root.path("boxId");
            if (boxId.isTextual()) {
                Check.boxId(boxId.asText());
            }
        } catch (ProtocolViolation violation) {
            return new ProtocolException(violation.reason, violation.getMessage());
        } catch (IOException ignored) {
            // It parsed a moment ago; fall through to the missing field.
        }
        String path = path(e);
        return new ProtocolException(ProtocolException.Reason.MISSING_FIELD,
                "missing field '" + (path.isEmpty() ? field : path) + "'");
    }

    private static void checkSize(byte[] payload) throws ProtocolException {
        if (payload == null || payload.length == 0) {
            throw new ProtocolException(ProtocolException.Reason.BAD_JSON, "empty payload");
        }
        if (payload.length > Protocol.MAX_PAYLOAD_BYTES) {
            throw new ProtocolException(ProtocolException.Reason.TOO_LARGE,
                    "payload of " + payload.length + " bytes exceeds " + Protocol.MAX_PAYLOAD_BYTES);
        }
    }

    private static String describe(JsonMappingException e) {
        String path = path(e);
        String where = path.isEmpty() ? "" : "field '" + path + "': ";
        return where + firstLine(e.getOriginalMessage());
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return Check.abbreviate(nl < 0 ? s : s.substring(0, nl));
    }
}
