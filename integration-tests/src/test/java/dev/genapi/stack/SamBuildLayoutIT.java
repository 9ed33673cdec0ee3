package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.local.template.SamTemplate;
import dev.genapi.testing.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that `sam build` can build this layout. SAM's Maven workflow (aws-lambda-builders, java_maven)
 * copies each CodeUri/ContentUri folder alone into a scratch directory and runs, there,
 * {@code mvn clean install} and {@code mvn dependency:copy-dependencies -DincludeScope=runtime
 * -Dmdep.prependGroupId=true}; it builds layers before functions. This test does the same, after the one
 * documented prerequisite ({@code ./mvnw install}, here only its part that matters: the parent POM).
 */
class SamBuildLayoutIT {

    /** With JwtIssuer set, so that the conditional authorizer function is built too. */
    final SamTemplate template = SamTemplate.load(Repository.templateFile(),
            java.util.Map.of("JwtIssuer", "https://auth.example.com", "JwtAudience", "genapi"));
    final Path root = Repository.root();

    @Test
    void eachLayerAndFunctionBuildsAloneInAScratchCopy(@TempDir Path scratch) throws Exception {
        maven(root, scratch.resolve("parent.log"), "-N", "install");

        List<String> layers = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::LayerVersion").keySet()
                .forEach(id -> layers.add((String) template.properties(id).get("ContentUri")));
        assertThat(layers).containsExactly("layers/core", "layers/model");

        Path core = samBuild("layers/core", scratch);
        assertThat(jarNames(core.resolve("target"))).anyMatch(name -> name.startsWith("genapi-core-"));
        List<String> coreLibraries = jarNames(core.resolve("target/dependency"));
        assertThat(coreLibraries).anyMatch(name -> name.contains("dynamodb"))
                .anyMatch(name -> name.contains("url-connection-client"))
                .as("the model client is the ModelLayer's: StatusFunction and the authorizer never load it")
                .noneMatch(name -> name.contains("langchain4j") || name.contains("ssm-"))
                .noneMatch(name -> name.contains("apache5-client") || name.contains("netty-nio-client"))
                .noneMatch(name -> name.contains("junit") || name.contains("elasticmq"));

        Path model = samBuild("layers/model", scratch);
        assertThat(jarNames(model.resolve("target"))).anyMatch(name -> name.startsWith("genapi-model-"));
        List<String> modelLibraries = jarNames(model.resolve("target/dependency"));
        assertThat(modelLibraries).anyMatch(name -> name.contains("langchain4j-google-ai-gemini"))
                .as("the key is read with the CoreLayer's signer, not the SDK's 5.95 MB ssm module")
                .noneMatch(name -> name.startsWith("ssm-"))
                .as("nothing the CoreLayer already carries").doesNotContainAnyElementsOf(coreLibraries)
                .noneMatch(name -> name.contains("genapi-core"));

        assertThat(template.functions()).isNotEmpty();
        for (var function : template.functions()) {
            Path copy = samBuild(function.codeUri(), scratch);
            Path handler = copy.resolve("target/classes")
                    .resolve(function.handlerClass().replace('.', '/') + ".class");
            assertThat(handler).as(function.logicalId() + " handler in the artifact").exists();
            List<String> own = jarNames(copy.resolve("target/dependency"));
            if (function.logicalId().equals("JwtAuthorizerFunction")) {
                assertThat(own).as("the JWT library is the authorizer's alone").singleElement()
                        .satisfies(name -> assertThat(name).contains("nimbus-jose-jwt"));
            } else {
                assertThat(own).as(function.logicalId() + ": everything else comes from the layer").isEmpty();
            }
        }
    }

    /** What aws-lambda-builders' java_maven workflow does with one source folder. */
    private Path samBuild(String codeUri, Path scratch) throws Exception {
        Path copy = scratch.resolve(codeUri.replace('/', '-'));
        copyTree(root.resolve(codeUri), copy);
        maven(copy, scratch.resolve(copy.getFileName() + "-install.log"), "clean", "install");
        maven(copy, scratch.resolve(copy.getFileName() + "-deps.log"),
                "dependency:copy-dependencies", "-DincludeScope=runtime", "-Dmdep.prependGroupId=true");
        return copy;
    }

    private void maven(Path directory, Path log, String... goals) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B"));
        command.addAll(List.of(goals));
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("maven finished in " + directory).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", goals) + " in a scratch copy of " + directory
                + ":\n" + Files.readString(log)).isZero();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.filter(p -> !from.relativize(p).startsWith("target")).forEach(p -> {
                try {
                    Files.copy(p, to.resolve(from.relativize(p).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static List<String> jarNames(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
        }
    }
}
