package org.clocksync.core.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for snapshot parts and documents, because core has no JSON library: an escaping writer whose output
 * is pure ASCII (so its length in chars is its length in UTF-8 bytes), and a bounded reader for the untrusted text a
 * peer sends. The reader knows objects, arrays, strings, integers, booleans and null; no fractions.
 */
final class Json {
    static final int MAX_DEPTH = 8;
    static final int MAX_INPUT_CHARS = 1 << 20;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Appends {@code value} as a JSON string: quotes, backslashes, control and non-ASCII characters escaped. */
    static StringBuilder string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** {@code value} as a JSON string literal. */
    static String quote(String value) {
        return string(new StringBuilder(value.length() + 2), value).toString();
    }

    /** Appends {@code "name":} to an object being written. */
    static StringBuilder name(StringBuilder out, String name) {
        return string(out, name).append(':');
    }

    /** Parses one JSON value: a {@code Map<String, Object>}, {@code List<Object>}, String, Long, Boolean or null. */
    static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no JSON text (null)");
        }
        if (text.length() > MAX_INPUT_CHARS) {
            throw new IllegalArgumentException("JSON text of " + text.length() + " chars, the limit is " + MAX_INPUT_CHARS);
        }
        Reader reader = new Reader(text);
        reader.skipSpace();
        Object value = reader.value(0);
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw reader.error("unexpected text after the JSON value");
        }
        return value;
    }

    /** Parses a JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + kind(value));
        }
        return (Map<String, Object>) value;
    }

    static long longField(Map<String, Object> object, String field) {
        Object value = object.get(field);
        if (!(value instanceof Long number)) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an integer, got " + kind(value));
        }
        return number;
    }

    static int intField(Map<String, Object> object, String field) {
        long value = longField(object, field);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field \"" + field + "\" is " + value + ", out of int range");
        }
        return (int) value;
    }

    static String stringField(Map<String, Object> object, String field) {
        Object value = object.get(field);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("field \"" + field + "\" must be a string, got " + kind(value));
        }
        return text;
    }

    /** A string field, or null when it is absent or null. */
    static String optionalStringField(Map<String, Object> object, String field) {
        return object.get(field) == null ? null : stringField(object, field);
    }

    @SuppressWarnings("unchecked")
    static List<Object> listField(Map<String, Object> object, String field) {
        Object value = object.get(field);
        if (!(value instanceof List)) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an array, got " + kind(value));
        }
        return (List<Object>) value;
    }

    /** An array field, or an empty list when it is absent or null. */
    static List<Object> optionalListField(Map<String, Object> object, String field) {
        return object.get(field) == null ? List.of() : listField(object, field);
    }

    static Map<String, Object> objectField(Map<String, Object> object, String field) {
        Object value = object.get(field);
        return asObject(value, "field \"" + field + "\"");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object value, String what) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(what + " must be an object, got " + kind(value));
        }
        return (Map<String, Object>) value;
    }

    static String kind(Object value) {
        if (value == null) {
            return "null (or nothing)";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Long) {
            return "an integer";
        }
        return "a boolean";
    }

    /** Recursive descent over the text, depth-limited; every error names its offset. */
    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (pos >= text.length()) {
                throw error("unexpected end of JSON text");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character '" + printable(c) + "'");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            pos++;
            Map<String, Object> object = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return object;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a quoted field name");
                }
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = value(depth);
                if (object.containsKey(key)) {
                    throw error("field \"" + key + "\" appears twice");
                }
                object.put(key, value);
                skipSpace();
                char c = next();
                if (c == '}') {
                    return object;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}' in an object");
                }
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            pos++;
            List<Object> array = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return array;
            }
            while (true) {
                skipSpace();
                array.add(value(depth));
                skipSpace();
                char c = next();
                if (c == ']') {
                    return array;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']' in an array");
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("unescaped control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = next();
                switch (escape) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("unexpected end of JSON text in a \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(pos + i), 16);
                            if (digit < 0) {
                                throw error("bad \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        pos += 4;
                        out.append((char) code);
                    }
                    default -> {
                        pos--;
                        throw error("bad escape '\\" + printable(escape) + "'");
                    }
                }
            }
        }

        private Long number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int digitsStart = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == digitsStart) {
                throw error("expected a digit");
            }
            if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                throw error("only integers are expected here");
            }
            try {
                return Long.parseLong(text.substring(start, pos));
            } catch (NumberFormatException tooLarge) {
                pos = start;
                throw error("integer out of range");
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected character '" + printable(text.charAt(pos)) + "'");
            }
            pos += word.length();
            return value;
        }

        void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            if (pos >= text.length()) {
                throw error("unexpected end of JSON text");
            }
            return text.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char expected) {
            if (peek() != expected) {
                throw error("expected '" + expected + "'");
            }
            pos++;
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at offset " + pos + ": " + what);
        }

        private static String printable(char c) {
            return c >= 0x20 && c <= 0x7e ? String.valueOf(c) : String.format("\\u%04x", (int) c);
        }
    }
}
