package dev.portico.cimd;

import java.util.Enumeration;

/** {@code If-None-Match} evaluation (RFC 9110 §13.1.2): weak comparison against one current entity tag. */
final class EntityTags {

    private EntityTags() {}

    /**
     * Whether any {@code If-None-Match} field value names {@code current} or is "*". Weak comparison: a {@code W/}
     * prefix on either side is ignored, as RFC 9110 §13.1.2 prescribes for this header.
     */
    static boolean anyMatches(Enumeration<String> fieldValues, String current) {
        if (fieldValues == null) {
            return false;
        }
        String opaqueCurrent = opaque(current);
        while (fieldValues.hasMoreElements()) {
            String fieldValue = fieldValues.nextElement();
            if (fieldValue == null) {
                continue;
            }
            for (String member : fieldValue.split(",")) {
                String tag = member.trim();
                if (tag.equals("*") || (!tag.isEmpty() && opaque(tag).equals(opaqueCurrent))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
