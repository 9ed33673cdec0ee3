package dev.genapi.core.encoding;

/** Checks on text that comes from callers. */
public final class Text {

    private Text() {
    }

    /** True when some UTF-16 surrogate has no partner: the string is not valid Unicode. */
    public static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the text shows something: a character that is not white space, a control character or an
     * invisible format character. Text without one is blank to a model (LangChain4j refuses it as such).
     */
    public static boolean hasVisibleCharacter(String text) {
        return text.codePoints().anyMatch(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)
                && !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT);
    }

    /** True when the text has a control character (C0, DEL or C1): fine in a prompt, not in an identifier. */
    public static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(Character::isISOControl);
    }
}
