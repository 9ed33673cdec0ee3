package dev.genapi.core.generation;

/** One turn of a conversation. */
public record Message(Role role, String content) {

    public enum Role {
        USER, ASSISTANT;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
