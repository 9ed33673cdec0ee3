package dev.genapi.webhook;

import dev.genapi.core.encoding.Json;
import dev.genapi.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The README's receiver snippet (the JavaScript block after {@code <!-- webhook-verify -->}), run by Node.js
 * exactly as written, with a few lines that feed it one delivery and print its verdict.
 */
final class ReadmeWebhookSnippet {

    static final String MARKER = "<!-- webhook-verify -->";

    private final String code;

    private ReadmeWebhookSnippet(String code) {
        this.code = code;
    }

    static ReadmeWebhookSnippet fromReadme() throws IOException {
        String readme = Files.readString(Repository.root().resolve("README.md"));
        int marker = readme.indexOf(MARKER);
        if (marker < 0) {
            throw new AssertionError("README.md has no " + MARKER + " block");
        }
        int start = readme.indexOf("```js\n", marker) + "```js\n".length();
        int end = readme.indexOf("```", start);
        return new ReadmeWebhookSnippet(readme.substring(start, end));
    }

    /** Whether {@code node} runs here. */
    static boolean nodeAvailable() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node.getInputStream().readAllBytes();
            return node.waitFor(30, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What the snippet says of a delivery (headers with lower-case names, as Node gives them). */
    boolean verify(String secret, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        Path script = Files.createTempFile("verify-webhook", ".js");
        Files.writeString(script, code + "\nconst input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));\n"
                + "process.stdout.write(String(verifyGenapiWebhook(input.secret, input.headers, "
                + "Buffer.from(input.body, 'base64'))));\n");
        var input = Json.object().put("secret", secret).put("body", Base64.getEncoder().encodeToString(body));
        var headerJson = input.putObject("headers");
        headers.forEach(headerJson::put);
        Process node = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).start();
        node.getOutputStream().write(Json.write(input).getBytes(StandardCharsets.UTF_8));
        node.getOutputStream().close();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
            throw new AssertionError("the README's snippet failed under node: " + output);
        }
        Files.delete(script);
        return switch (output) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new AssertionError("the README's snippet printed " + output);
        };
    }
}
