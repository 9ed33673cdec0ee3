package dev.genapi.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.local.template.Intrinsics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * template.yaml as CloudFormation receives it: transformed by the AWS SAM translator itself (Python, the one
 * {@code sam deploy} and cfn-lint use), then resolved for a set of parameter values, conditions applied,
 * so a test can read what a deployment with those parameters would create.
 */
public final class DeployedTemplate {

    private static Map<String, Object> transformed;

    private final Map<String, Object> resources;
    private final Intrinsics intrinsics;

    @SuppressWarnings("unchecked")
    private DeployedTemplate(Map<String, Object> template, Map<String, String> parameters) {
        Map<String, String> values = new HashMap<>();
        ((Map<String, Object>) template.get("Parameters")).forEach((name, declaration) -> {
            Object fallback = ((Map<String, Object>) declaration).get("Default");
            values.put(name, fallback == null ? "" : String.valueOf(fallback));
        });
        values.putAll(parameters);
        values.putAll(Map.of("AWS::Partition", "aws", "AWS::Region", "eu-west-1", "AWS::AccountId", "111122223333",
                "AWS::StackName", "genapi-test", "AWS::URLSuffix", "amazonaws.com"));
        this.resources = (Map<String, Object>) template.get("Resources");
        this.intrinsics = new Intrinsics(new Intrinsics.References() {
            @Override
            public Object ref(String name) {
                return values.containsKey(name) ? values.get(name) : "ref:" + name;
            }

            @Override
            public String getAtt(String logicalId, String attribute) {
                return "getatt:" + logicalId + "." + attribute;
            }
        }, (Map<String, Object>) template.getOrDefault("Conditions", Map.of()));
    }

    /** The deployment with these parameter values (the rest at their defaults). */
    public static DeployedTemplate with(Map<String, String> parameters) {
        return new DeployedTemplate(transformed(), parameters);
    }

    /** The resources the deployment creates (conditions applied, intrinsics resolved), by logical id. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> resources() {
        Map<String, Map<String, Object>> created = new HashMap<>();
        resources.forEach((id, raw) -> {
            Map<String, Object> resource = (Map<String, Object>) raw;
            Object condition = resource.get("Condition");
            if (condition == null || intrinsics.condition((String) condition)) {
                created.put(id, (Map<String, Object>) intrinsics.resolve(resource));
            }
        });
        return created;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> properties(String logicalId) {
        return (Map<String, Object>) resources().get(logicalId).get("Properties");
    }

    /** The SAM translator's output, once per test run; the test is skipped where the translator is missing. */
    @SuppressWarnings("unchecked")
    static synchronized Map<String, Object> transformed() {
        if (transformed == null) {
            Path script = Repository.root().resolve("integration-tests/src/test/resources/sam-transform.py");
            String out = run(List.of("python3", script.toString(), Repository.templateFile().toString()));
            try {
                transformed = new ObjectMapper().readValue(out, Map.class);
            } catch (IOException e) {
                throw new IllegalStateException("the SAM translator printed no JSON: " + out, e);
            }
        }
        return transformed;
    }

    /** Runs a command; the calling test is skipped when the command (or its Python packages) is missing. */
    public static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            Assumptions.assumeTrue(process.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
            Assumptions.assumeFalse(err.contains("ModuleNotFoundError"), "Python packages missing: " + err);
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " failed (" + process.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8) + err);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException notInstalled) {
            Assumptions.abort(command.get(0) + " is not installed: " + notInstalled.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes the untransformed output for other tools (cfn-lint), and returns its path. */
    public static Path writeTransformed(Path folder) throws IOException {
        Path file = folder.resolve("template.transformed.json");
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(transformed()));
        return file;
    }
}
