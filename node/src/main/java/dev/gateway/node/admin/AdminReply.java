package dev.gateway.node.admin;

/** An admin call's answer: status and JSON body. */
public record AdminReply(int status, String json) {
    public static AdminReply error(int status, String message) {
        return new AdminReply(status, "{\"error\":" + dev.gateway.node.http.Json.quote(message)
                + ",\"status\":" + status + ",\"request_id\":\"\"}");
    }
}
