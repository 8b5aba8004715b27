package dev.gateway.node.admin;

/** An admin call's answer: status, body and its content type (JSON unless said otherwise). */
public record AdminReply(int status, String json, String contentType) {
    public AdminReply(int status, String json) {
        this(status, json, "application/json");
    }

    public static AdminReply error(int status, String message) {
        return new AdminReply(status, "{\"error\":" + dev.gateway.node.http.Json.quote(message)
                + ",\"status\":" + status + ",\"request_id\":\"\"}");
    }
}
