package dev.genapi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** What each deployed part weighs: a function's jar, a layer's jars as SAM packs them (bench/run copies them). */
final class Artifacts {

    /** Bytes per artifact: the functions' jars and each layer's folder of jars under bench/target/layers. */
    static Map<String, Long> sizes(Path root) throws IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (Stream<Path> layers = Files.list(root.resolve("bench/target/layers")).sorted()) {
            for (Path layer : layers.toList()) {
                sizes.put("layer " + layer.getFileName(), folderBytes(layer));
            }
        }
        for (String function : new String[] {"generate", "worker", "status", "authorizer"}) {
            try (Stream<Path> jars = Files.list(root.resolve("functions/" + function + "/target"))) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    sizes.put("function " + function + " (" + jar.getFileName() + ")", Files.size(jar));
                }
            }
        }
        return sizes;
    }

    static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    return Files.size(path);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
