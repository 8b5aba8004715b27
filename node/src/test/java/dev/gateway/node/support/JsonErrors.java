package dev.gateway.node.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Checks the shape of every response the gateway answers itself (docs/configuration.md). */
public final class JsonErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonErrors() {
    }

    /**
     * Asserts {@code {"error": "...", "status": N, "request_id": "..."}} and nothing else, served as
     * {@code application/json}; returns the parsed body.
     */
    public static JsonNode assertErrorBody(int expectedStatus, int status, String contentType, String body) {
        assertThat(status).as("HTTP status (body: %s)", body).isEqualTo(expectedStatus);
        assertThat(contentType).as("Content-Type of a %d answered by the gateway", status)
                .isNotNull().startsWith("application/json");
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
        assertThat(json).as("body %s", body).isNotNull();
        assertThat(json.isObject()).as("body %s is a JSON object", body).isTrue();
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("error", "status", "request_id");
        assertThat(json.get("error").isTextual()).as("error is a string").isTrue();
        assertThat(json.get("error").asText()).isNotBlank();
        assertThat(json.get("status").isInt()).as("status is a number").isTrue();
        assertThat(json.get("status").asInt()).isEqualTo(expectedStatus);
        assertThat(json.get("request_id").isTextual()).as("request_id is a string").isTrue();
        return json;
    }

    public static JsonNode assertErrorBody(int expectedStatus, RawHttp.Response response) {
        return assertErrorBody(expectedStatus, response.status(), response.header("Content-Type"), response.bodyText());
    }

    public static JsonNode assertErrorBody(int expectedStatus, java.net.http.HttpResponse<String> response) {
        return assertErrorBody(expectedStatus, response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body());
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
