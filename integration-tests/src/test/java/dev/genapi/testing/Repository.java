package dev.genapi.testing;

import dev.genapi.local.template.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's files as the tests read them: template.yaml, events/, the module folders. */
public final class Repository {

    private Repository() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path templateFile() {
        return root().resolve("template.yaml");
    }

    public static SamTemplate template() {
        return SamTemplate.load(templateFile());
    }
}
