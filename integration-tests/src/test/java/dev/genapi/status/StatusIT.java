package dev.genapi.status;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Digests;
import dev.genapi.core.jobs.Batches;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.testing.ApiEvents;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** StatusFunction's answers beyond the happy path: expiry, methods, paging parameters. */
@ExtendWith(AwsEmulators.class)
class StatusIT {

    static final String CALLER_KEY = "status-it";
    static final Optional<Caller> CALLER = Optional.of(Caller.ofApiKey(CALLER_KEY));
    static AwsBackend backend;
    static JobStore jobs;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
        jobs = JobStore.from(new Env(backend.environment("StatusFunction", Map.of())), backend.dynamoDb(), Clock.systemUTC());
    }

    static APIGatewayProxyResponseEvent get(StatusHandler statusHandler, String method, String resource, String id,
                                            Map<String, String> query) {
        var event = ApiEvents.request(method, resource.replace("{id}", id), null, CALLER_KEY, new LinkedHashMap<>())
                .withResource(resource).withPathParameters(Map.of("id", id))
                .withQueryStringParameters(query.isEmpty() ? null : query);
        return new ApiFunction(statusHandler).handleRequest(event, null);
    }

    @Test
    void anExpiredJobIsA404WhileStillInTheTable() {
        String id = Ids.newJobId();
        jobs.createIfAbsent(jobs.newJob(id, CALLER, "{}", null, null, null, null));
        MutableClock clock = MutableClock.startingNow();
        StatusHandler handler = new StatusHandler(new Env(backend.environment("StatusFunction", Map.of())), clock);
        assertThat(get(handler, "GET", "/v1/jobs/{id}", id, Map.of()).getStatusCode()).isEqualTo(200);

        int retention = Integer.parseInt(backend.template().parameter("JobRetentionSeconds"));
        clock.advance(Duration.ofSeconds(retention + 1));
        var expired = get(handler, "GET", "/v1/jobs/{id}", id, Map.of());
        assertThat(expired.getStatusCode()).isEqualTo(404);
        assertThat(body(expired).path("type").asText()).isEqualTo("urn:genapi:problem:not-found");
        assertThat(jobs.find(id)).as("still there for a reader on today's clock").isPresent();
    }

    @Test
    void onlyGetIsAllowed() {
        StatusHandler handler = new StatusHandler(new Env(backend.environment("StatusFunction", Map.of())));
        var response = get(handler, "DELETE", "/v1/jobs/{id}", Ids.newJobId(), Map.of());
        assertThat(response.getStatusCode()).isEqualTo(405);
        assertThat(header(response, "Allow")).isEqualTo("GET");
    }

    @Test
    void badPagingParametersAre400AndAnotherCallersBatchIs404() {
        StatusHandler handler = new StatusHandler(new Env(backend.environment("StatusFunction", Map.of())));
        var batch = new Batches(jobs.table()).newBatch(Ids.newBatchId(), CALLER.map(Caller::scope), 0);
        new Batches(jobs.table()).createBatch(batch);
        assertThat(get(handler, "GET", "/v1/batches/{id}", batch.id(), Map.of()).getStatusCode()).isEqualTo(200);
        assertThat(get(handler, "GET", "/v1/batches/{id}", batch.id(), Map.of("limit", "0")).getStatusCode()).isEqualTo(400);
        assertThat(get(handler, "GET", "/v1/batches/{id}", batch.id(), Map.of("limit", "many")).getStatusCode()).isEqualTo(400);
        assertThat(get(handler, "GET", "/v1/batches/{id}", batch.id(), Map.of("nextToken", "x")).getStatusCode()).isEqualTo(400);

        var theirs = new Batches(jobs.table()).newBatch(Ids.newBatchId(), Optional.of("apikey:someone-else"), 0);
        new Batches(jobs.table()).createBatch(theirs);
        assertThat(get(handler, "GET", "/v1/batches/{id}", theirs.id(), Map.of()).getStatusCode()).isEqualTo(404);
    }
}
