package dev.gateway.node.pipeline;

import dev.gateway.node.http.Headers;

/** Removes, then sets, header fields: the one rule the request and response transforms share. */
final class HeaderEdits {
    private HeaderEdits() {
    }

    static void apply(Headers headers, String[] remove, String[] setNames, String[] setValues) {
        for (String name : remove) {
            headers.remove(name);
        }
        for (int i = 0; i < setNames.length; i++) {
            headers.set(setNames[i], setValues[i]);
        }
    }
}
