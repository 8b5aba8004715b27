package dev.gateway.node.compression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.http.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a request's Accept-Encoding lets the gateway answer with gzip. */
class AcceptEncodingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "gzip | true",
            "GZIP | true",
            "x-gzip | true",
            "gzip, deflate, br | true",
            "br;q=1.0, gzip;q=0.8, *;q=0.1 | true",
            "gzip;q=0 | false",
            "gzip; q=0.000 | false",
            "gzip;Q=0.0, *;q=1 | false",
            "gzip;q=0.001 | true",
            "gzip;q=1.000 | true",
            "gzip;level=1;q=0 | false",
            "gzip;q=1.5 | false",
            "gzip;q=abc | false",
            "gzip;q= | false",
            "* | true",
            "*;q=0 | false",
            "br, deflate | false",
            "identity | false",
            "'' | false",
            "gzipx | false",
            " , gzip , | true",
    })
    void readsCodingsAndQValues(String value, boolean gzip) {
        assertThat(AcceptEncoding.acceptsGzip(new Headers().add("Accept-Encoding", value))).isEqualTo(gzip);
    }

    @Test
    void noFieldMeansNoCompression() {
        assertThat(AcceptEncoding.acceptsGzip(new Headers().add("Accept", "*/*"))).isFalse();
    }

    @Test
    void repeatedFieldsAreOneList() {
        Headers headers = new Headers().add("Accept-Encoding", "br").add("accept-encoding", "gzip;q=0.5");

        assertThat(AcceptEncoding.acceptsGzip(headers)).isTrue();
    }

    @Test
    void anExplicitZeroWinsOverAWildcardInAnotherField() {
        Headers headers = new Headers().add("Accept-Encoding", "*").add("Accept-Encoding", "gzip;q=0");

        assertThat(AcceptEncoding.acceptsGzip(headers)).isFalse();
    }
}
