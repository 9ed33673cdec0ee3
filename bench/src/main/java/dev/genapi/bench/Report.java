package dev.genapi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** docs/BENCHMARKS.md: the figures of one run, the machine it ran on, the command, and each goal met or missed. */
final class Report {

    private final String command;
    private final int rounds;
    private final StringBuilder coldStarts = new StringBuilder();
    private final StringBuilder others = new StringBuilder();
    private final List<String[]> goals = new ArrayList<>();
    private ColdStarts measured;

    Report(String command, int rounds) {
        this.command = command;
        this.rounds = rounds;
    }

    void coldStarts(ColdStarts starts, List<ColdStarts.Variant> variants) {
        this.measured = starts;
        List<ColdStarts.Run> floor = starts.runs().get("floor");
        coldStarts.append("| path | JVM start to answer, median | × floor (paired median) | init | first invoke | classes loaded |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (ColdStarts.Variant variant : variants) {
            List<ColdStarts.Run> runs = starts.runs().get(variant.name());
            coldStarts.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.2f | %.0f ms | %.0f ms | %,d |%n",
                    variant.name(), Samples.of(runs.stream().map(ColdStarts.Run::totalMs).toList()).median(),
                    ratio(runs, floor), Samples.of(runs.stream().map(ColdStarts.Run::initMs).toList()).median(),
                    Samples.of(runs.stream().map(ColdStarts.Run::invokeMs).toList()).median(),
                    starts.classes(variant.name())));
        }
    }

    /** The median of run-by-run ratios to the floor's run of the same round. */
    static double ratio(List<ColdStarts.Run> runs, List<ColdStarts.Run> floor) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            ratios.add(runs.get(i).totalMs() / floor.get(i).totalMs());
        }
        return Samples.of(ratios).median();
    }

    void keyReads(Map<String, KeyReads.Way> ways) {
        others.append("""
                ## Reading the Gemini key at start-up

                Each way in a fresh JVM (C1 only) that has already done what every function does anyway (built its
                DynamoDB client and made one call, read and written JSON); the time and classes are the key read's own. One local server answers as
                SSM's GetParameter and as the extension's port, so this is the function's side of each: the
                extension's own start (a process Lambda starts in the init phase) and a real SSM round trip are not
                in it.

                | way | median | classes it loads | what it adds to the model layer |
                | --- | ---: | ---: | --- |
                """);
        String[][] described = {
            {"sdk", "the SDK's SSM client (genapi's way before it was measured)", "the `ssm` jar, 5.95 MB"},
            {"genapi", "genapi's `SsmParameters`: one GetParameter signed by the SDK's SigV4 signer, sent by HttpURLConnection", "nothing"},
            {"extension", "the Parameters and Secrets extension's local GET", "nothing (the extension is a layer of its own)"}};
        for (String[] way : described) {
            KeyReads.Way measuredWay = ways.get(way[0]);
            others.append(String.format(Locale.ROOT, "| %s | %.0f ms | %,d | %s |%n", way[1], measuredWay.millis().median(),
                    measuredWay.classes(), way[2]));
        }
        others.append('\n');
    }

    void warmHit(WarmHit.Result result) {
        others.append(String.format(Locale.ROOT, """
                ## Warm cache hit

                One warm GenerateFunction answering the same cache hit %,d times, each followed by a raw `GetItem` of a
                cache entry on the same moto server, then by that GetItem and the two counter writes a hit makes
                by design (every hit counts in its caller's day and month usage), made raw (a quarter as many
                again to warm up first).

                | | median | p95 |
                | --- | ---: | ---: |
                | GenerateFunction, cache hit | %.2f ms | %.2f ms |
                | raw GetItem | %.2f ms | %.2f ms |
                | raw GetItem + two counter UpdateItems | %.2f ms | %.2f ms |
                | hit ÷ raw GetItem | %.2f | |
                | hit ÷ GetItem + counters | %.2f | |

                """, result.iterations(), result.hitMs().median(), result.hitMs().percentile(95),
                result.getItemMs().median(), result.getItemMs().percentile(95),
                result.getItemAndCountersMs().median(), result.getItemAndCountersMs().percentile(95),
                result.ratio(), result.ratioToDesign()));
        goal("Warm cache hit ≤ 1.15× a raw GetItem", result.ratio(), 1.15, true, String.format(Locale.ROOT,
                "a hit is a GetItem and, by design, two counter writes (its caller's day and month usage); "
                        + "against those three calls made raw it is %.2f×", result.ratioToDesign()));
    }

    void throughput(Throughput.Result result) {
        others.append(String.format(Locale.ROOT, """
                ## Worker throughput

                %d queued jobs on ElasticMQ, the model taking %d ms each (the offline model), polled as the template's
                event source mapping polls: batch size %d, maximum concurrency %d, WORKER_PARALLELISM %d.
                Ideal = concurrency × min(batch size, parallelism) ÷ model latency = %.1f jobs/s.

                The fleet has run a few batches before the clock starts; the clock stops when the queue is empty
                (a record is deleted only once the worker has finished it). "CPU busy" is the share of the
                machine's cores this process used meanwhile: ElasticMQ, the pollers and the workers run in it; moto's
                server (DynamoDB), a process of its own, is not counted.

                | jobs | seconds | jobs/s | × ideal | CPU busy |
                | ---: | ---: | ---: | ---: | ---: |
                | %d | %.1f | %.1f | %.2f | %.0f%% |

                """, result.jobs(), Throughput.MODEL_LATENCY.toMillis(), result.batchSize(), result.concurrency(),
                result.parallelism(), result.ideal(), result.jobs(), result.seconds(), result.jobsPerSecond(),
                result.jobsPerSecond() / result.ideal(), result.cpuBusy() * 100));
        goal("Worker throughput ≥ 0.9× the ideal at 200 ms model latency", result.jobsPerSecond() / result.ideal(), 0.9,
                false, String.format(Locale.ROOT, "the machine: this process kept %.0f%% of %d cores busy (ElasticMQ "
                        + "and %d jobs at once, beside moto's server); and each batch waits for its slowest record, its DynamoDB "
                        + "and SQS calls in series with the model's %d ms", result.cpuBusy() * 100,
                        Runtime.getRuntime().availableProcessors(), result.concurrency() * Math.min(result.batchSize(),
                                result.parallelism()), Throughput.MODEL_LATENCY.toMillis()));
    }

    void artifacts(Map<String, Long> sizes) {
        others.append("## What each part weighs\n\n| artifact | size |\n| --- | ---: |\n");
        sizes.forEach((name, bytes) -> others.append(String.format(Locale.ROOT, "| %s | %,.1f KB |%n", name, bytes / 1024.0)));
        others.append('\n');
    }

    /** A goal's row; {@code whyMissed} is shown only when it is missed. */
    private void goal(String what, double measuredValue, double target, boolean atMost, String whyMissed) {
        boolean met = atMost ? measuredValue <= target : measuredValue >= target;
        String by = met ? "met" : String.format(Locale.ROOT, "missed by %.2f", Math.abs(measuredValue - target));
        goals.add(new String[] {what, String.format(Locale.ROOT, "%.2f", measuredValue), by, met ? "" : whyMissed});
    }

    private String classesAgainst(String path, String other, String whose) {
        if (measured == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%,d classes against %s %,d", measured.classes(path), whose, measured.classes(other));
    }

    void write(Path out, String after) throws IOException {
        String prefix = after + ": ";
        List<ColdStarts.Run> floor = measured == null ? List.of() : measured.runs().get("floor");
        String snapshot = "; under SnapStart all of it is built and primed before the snapshot";
        String[][] coldGoals = {
            {"GenerateFunction, cache hit", "1.0", ""}, {"StatusFunction, GET /v1/jobs/{id}", "0.9", ""},
            {"GenerateFunction, miss", "1.3", "the miss is the first to load and run LangChain4j's Gemini client, the "
                    + "JDK's HttpClient and TLS: " + classesAgainst(prefix + "GenerateFunction, miss",
                    prefix + "GenerateFunction, cache hit", "the hit's") + snapshot},
            {"WorkerFunction, one record", "1.3", "a job nearly always calls the model, so init builds the Gemini "
                    + "client (LangChain4j, HttpClient, TLS) and the record runs it: " + classesAgainst(
                    prefix + "WorkerFunction, one record", "floor", "the floor's") + snapshot}};
        List<String[]> all = new ArrayList<>();
        for (String[] coldGoal : coldGoals) {
            List<ColdStarts.Run> runs = measured == null ? null : measured.runs().get(prefix + coldGoal[0]);
            if (runs != null) {
                double ratio = ratio(runs, floor);
                double target = Double.parseDouble(coldGoal[1]);
                boolean met = ratio <= target;
                all.add(new String[] {"Cold start, " + coldGoal[0] + " ≤ " + coldGoal[1] + "× the floor",
                        String.format(Locale.ROOT, "%.2f", ratio),
                        met ? "met" : String.format(Locale.ROOT, "missed by %.2f", ratio - target), met ? "" : coldGoal[2]});
            }
        }
        all.addAll(goals);
        StringBuilder text = new StringBuilder();
        text.append("# Benchmarks\n\n")
                .append("Produced by `").append(command).append("` on ").append(LocalDate.now(ZoneOffset.UTC))
                .append(", ").append(rounds).append(" interleaved rounds.\n\n")
                .append("Machine: ").append(Machine.describe()).append(".\n\n")
                .append("## Goals (\"").append(after).append("\" is the code as it stands)\n\n")
                .append("| goal | measured | | why it is missed |\n| --- | ---: | --- | --- |\n");
        all.forEach(row -> text.append("| ").append(String.join(" | ", row)).append(" |\n"));
        text.append("\n## Cold starts\n\n")
                .append("Each run is a fresh JVM (`").append(String.join(" ", ColdStarts.JVM))
                .append("`, C1 only, as Lambda's java17/java21 runtimes run) that builds the handler with its no-arg\n")
                .append("constructor from the environment `template.yaml` declares, and hands it one event from `events/`\n")
                .append("as Lambda's runtime would (bytes to a stream handler; through the runtime's serialiser to a\n")
                .append("`RequestHandler<SomeEvent, ...>`). The floor is a plain `RequestHandler` of API Gateway's event doing\n")
                .append("one GetItem (`bench/.../FloorHandler`). The model is a local Gemini fake that answers at once;\n")
                .append("as deployed, GenerateFunction and WorkerFunction read the Gemini key from SSM at start-up (a local\n")
                .append("server that answers as SSM does); DynamoDB and SQS are the in-process emulators. Init and first invoke are as the probe measured them\n")
                .append("inside the JVM; the total also holds the JVM's own start. SnapStart's restore cannot be measured\n")
                .append("here (no CRaC-enabled JVM): these are starts without a snapshot, as `sam local invoke` has them.\n\n")
                .append(coldStarts).append('\n').append(others);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, text);
        System.err.println("wrote " + out);
    }
}
