package dev.genapi.local.observe;

import dev.genapi.local.api.RestApiEmulator;
import dev.genapi.local.template.SamTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local stack's page at {@value #PATH}: the recent requests and jobs, and live charts drawn from the
 * metrics of their records. Static HTML, CSS and JavaScript that poll two JSON documents; no library, since
 * the page must work without the internet. Only the local stack serves it: nothing of it is deployed.
 */
public final class ObservabilityPage implements AutoCloseable {

    public static final String PATH = "/_local/";

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "page.css", "text/css; charset=utf-8",
            "page.js", "text/javascript; charset=utf-8");

    private final RecentRecords records;

    private ObservabilityPage(RecentRecords records) {
        this.records = records;
    }

    /** Keeps the records written from now on, and serves the page and its data on {@code api}. */
    public static ObservabilityPage serve(RestApiEmulator api, SqsClient sqs, SamTemplate template, Clock clock) {
        FILES.forEach((file, contentType) -> {
            byte[] body = resource(file);
            api.addLocalPage(PATH + file, new RestApiEmulator.LocalPage(contentType, () -> body));
        });
        byte[] index = resource("index.html");
        api.addLocalPage(PATH, new RestApiEmulator.LocalPage(FILES.get("index.html"), () -> index));
        RecentRecords records = RecentRecords.listening(RecentRecords.CAPACITY, clock);
        api.addLocalPage(PATH + "records.json", new RestApiEmulator.LocalPage("application/json", records::json));
        QueueDepths depths = QueueDepths.of(sqs, template, clock);
        api.addLocalPage(PATH + "queues.json", new RestApiEmulator.LocalPage("application/json", depths::json));
        return new ObservabilityPage(records);
    }

    private static byte[] resource(String file) {
        try (InputStream in = ObservabilityPage.class.getResourceAsStream("page/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the local page's " + file + " is not on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        records.close();
    }
}
