package dev.genapi.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold starts: each run a fresh JVM with Lambda's JIT setting (C1 only, as the java17/java21 runtimes run),
 * the variants interleaved round by round so that the machine's drift touches them all alike.
 */
final class ColdStarts {

    /** One way to start: a classpath, a handler class, its environment, and a fresh event file per run. */
    record Variant(String name, String classpath, String handler, Map<String, String> environment,
                   Supplier<Path> event) {
    }

    /** One run: the whole process (JVM start to exit) and, as the probe saw them, init and first invoke. */
    record Run(double totalMs, double initMs, double invokeMs) {
    }

    static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1");
    private static final Pattern PROBE = Pattern.compile("PROBE init=(\\d+) invoke=(\\d+) answer=(.*)");

    private final Map<String, List<Run>> runs = new LinkedHashMap<>();
    private final Map<String, Integer> classes = new LinkedHashMap<>();
    private final Map<String, String> answers = new LinkedHashMap<>();

    void measure(List<Variant> variants, int rounds) throws IOException, InterruptedException {
        for (Variant variant : variants) {
            classes.put(variant.name(), classCount(variant));
            runs.put(variant.name(), new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (Variant variant : variants) {
                runs.get(variant.name()).add(run(variant, List.of()));
            }
            System.err.printf("cold starts: round %d of %d%n", round + 1, rounds);
        }
    }

    Map<String, List<Run>> runs() {
        return runs;
    }

    int classes(String variant) {
        return classes.get(variant);
    }

    String answer(String variant) {
        return answers.get(variant);
    }

    private int classCount(Variant variant) throws IOException, InterruptedException {
        Path log = Files.createTempFile("classes", ".log");
        run(variant, List.of("-Xlog:class+load=info:file=" + log));
        try (var lines = Files.lines(log)) {
            return (int) lines.filter(line -> line.contains(" source: ")).count();
        } finally {
            Files.delete(log);
        }
    }

    private Run run(Variant variant, List<String> extraJvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM);
        command.addAll(extraJvmOptions);
        command.addAll(List.of("-cp", variant.classpath(), ColdStartProbe.class.getName(), variant.handler(),
                variant.event().get().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(variant.environment());
        long start = System.nanoTime();
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        double total = (System.nanoTime() - start) / 1e6;
        Matcher probe = PROBE.matcher(output);
        if (!probe.find()) {
            throw new IllegalStateException(variant.name() + " did not answer:\n" + output);
        }
        answers.putIfAbsent(variant.name(), probe.group(3));
        return new Run(total, Long.parseLong(probe.group(1)) / 1e3, Long.parseLong(probe.group(2)) / 1e3);
    }
}
