package dev.gateway.node.compression;

import dev.gateway.node.http.Headers;

/**
 * Reads a request's {@code Accept-Encoding} (RFC 9110 12.5.3) for gzip: acceptable when
 * {@code gzip} (or its alias {@code x-gzip}) is listed with a q-value above zero, or, when it is
 * not listed, {@code *} is. {@code gzip;q=0} refuses it whatever {@code *} says. A request
 * without the field gets no compression: nothing says the client can decode it. A q-value that
 * does not parse counts as zero. Stateless.
 */
final class AcceptEncoding {
    private AcceptEncoding() {
    }

    static boolean acceptsGzip(Headers headers) {
        int gzip = -1; // q-value in thousandths; -1: not listed
        int any = -1;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("Accept-Encoding")) {
                continue;
            }
            String value = headers.value(i);
            int start = 0;
            while (start <= value.length()) {
                int end = value.indexOf(',', start);
                if (end < 0) {
                    end = value.length();
                }
                int semicolon = value.indexOf(';', start);
                int codingEnd = semicolon >= 0 && semicolon < end ? semicolon : end;
                String coding = value.substring(start, codingEnd).trim();
                if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
                    gzip = Math.max(gzip, quality(value, codingEnd, end));
                } else if (coding.equals("*")) {
                    any = Math.max(any, quality(value, codingEnd, end));
                }
                start = end + 1;
            }
        }
        return gzip > 0 || (gzip < 0 && any > 0);
    }

    /** The q parameter in {@code value[from, to)} in thousandths: 1000 when absent, 0 when malformed. */
    static int quality(String value, int from, int to) {
        int i = from;
        while (i < to) {
            int semicolon = value.indexOf(';', i);
            if (semicolon < 0 || semicolon >= to) {
                return 1000;
            }
            int next = value.indexOf(';', semicolon + 1);
            int paramEnd = next < 0 || next > to ? to : next;
            String param = value.substring(semicolon + 1, paramEnd).trim();
            if (param.length() >= 2 && (param.charAt(0) == 'q' || param.charAt(0) == 'Q')) {
                int eq = param.indexOf('=');
                if (eq > 0 && param.substring(1, eq).isBlank()) {
                    return parseQ(param.substring(eq + 1).trim());
                }
            }
            i = paramEnd;
        }
        return 1000;
    }

    /** RFC 9110 qvalue: {@code 0[.ddd]} or {@code 1[.000]}. */
    private static int parseQ(String q) {
        if (q.isEmpty() || (q.charAt(0) != '0' && q.charAt(0) != '1') || q.length() > 5) {
            return 0;
        }
        int thousandths = (q.charAt(0) - '0') * 1000;
        if (q.length() > 1) {
            if (q.charAt(1) != '.') {
                return 0;
            }
            int scale = 100;
            for (int k = 2; k < q.length(); k++) {
                char c = q.charAt(k);
                if (c < '0' || c > '9') {
                    return 0;
                }
                thousandths += (c - '0') * scale;
                scale /= 10;
            }
        }
        return thousandths > 1000 ? 0 : thousandths;
    }
}
