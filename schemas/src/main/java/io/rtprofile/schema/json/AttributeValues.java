package io.rtprofile.schema.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Attribute values: scalars (string, boolean, integer, decimal, null) or lists of scalars. In Avro
 * they are the union {@code [null, boolean, long, double, string, array<...scalars>]}; in Java
 * {@code null, Boolean, Long, Double, String/CharSequence, List}.
 */
public final class AttributeValues {
    private AttributeValues() {}

    /** Converts a JSON value; {@code where} names it in the reason when it is not allowed. */
    public static Object fromJson(JsonNode node, String where) throws InvalidEventException {
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                if (element.isContainerNode()) {
                    throw new InvalidEventException(
                            where + ": lists may hold only scalars, not objects or lists");
                }
                list.add(scalar(element, where));
            }
            return list;
        }
        if (node.isObject()) {
            throw new InvalidEventException(
                    where + ": must be a scalar or a list of scalars, not an object");
        }
        return scalar(node, where);
    }

    private static Object scalar(JsonNode node, String where) throws InvalidEventException {
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (Double.isInfinite(d)) {
                throw new InvalidEventException(where + ": number out of range");
            }
            return d;
        }
        throw new InvalidEventException(where + ": unsupported value " + node.getNodeType());
    }

    /** Writes an attribute value as JSON. */
    public static void write(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Integer i) {
            out.writeNumber(i);
        } else if (value instanceof Double d) {
            out.writeNumber(d);
        } else if (value instanceof Float f) {
            out.writeNumber(f);
        } else if (value instanceof CharSequence s) {
            out.writeString(s.toString());
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object element : list) {
                write(out, element);
            }
            out.writeEndArray();
        } else if (value instanceof ByteBuffer) {
            throw new IllegalArgumentException("bytes are not an attribute value");
        } else {
            throw new IllegalArgumentException(
                    "not an attribute value: " + value.getClass().getName());
        }
    }

    /**
     * Normalizes a value that came out of Avro (Utf8, GenericData.Array) to the plain Java form, so
     * values compare equal however they were decoded.
     */
    public static Object normalize(Object value) {
        if (value instanceof CharSequence s && !(value instanceof String)) {
            return s.toString();
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(normalize(element));
            }
            return copy;
        }
        return value;
    }
}
