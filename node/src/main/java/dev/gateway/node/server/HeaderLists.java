package dev.gateway.node.server;

/** Reads a comma-separated header value ({@code Connection}, {@code Upgrade}, {@code TE}) for one of its elements. */
final class HeaderLists {
    private HeaderLists() {
    }

    /**
     * True when {@code list} has {@code token} (case-insensitive) as an element, what follows {@code suffix} in an
     * element aside ({@code ';'} for {@code TE}'s parameters, {@code '/'} for an {@code Upgrade} version).
     */
    static boolean has(String list, String token, char suffix) {
        for (String part : list.split(",")) {
            String element = part.trim();
            int end = element.indexOf(suffix);
            if ((end < 0 ? element : element.substring(0, end).trim()).equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
