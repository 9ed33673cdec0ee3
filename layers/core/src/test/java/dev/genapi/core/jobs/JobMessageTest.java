package dev.genapi.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JobMessageTest {

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1, 2]", "\"text\"", "{}", "{\"customId\": \"x\"}",
            "{\"jobId\": \"job_1\", \"request\": {\"prompt\": \"p\"}}", "{\"request\": \"prompt\"}",
            "{\"request\": {\"prompt\": \"p\"}} {\"request\": {\"prompt\": \"q\"}}",
            "{\"request\": {\"prompt\": \"\\ud800\"}}",
            "{\"request\": {\"prompt\": \"p\"}, \"caller\": \"\"}",
            "{\"request\": {\"prompt\": \"p\"}, \"caller\": \"apikey:a\\nb\"}",
            "{\"request\": {\"prompt\": \"p\"}, \"customId\": \"\"}",
            "{\"request\": {\"prompt\": \"p\"}, \"customId\": \"tab\\there\"}",
            "{\"request\": {\"prompt\": \"p\"}, \"caller\": \"jwt:https://issuer|alice\"}",
            "{\"request\": {\"prompt\": \"p\"}, \"caller\": \"apikey:abc\", \"apiKeyId\": \"def\"}",
            "{\"request\": {\"prompt\": \"p\"}, \"apiKeyId\": \"abc\"}",
            "{\"request\": {\"prompt\": \"p\"}, \"caller\": \"jwt:i|s\", \"apiKeyId\": \"a b\"}"})
    void messagesTheWorkerCannotActOnAreMalformed(String body) {
        assertThatThrownBy(() -> JobMessage.parse(body)).isInstanceOf(JobMessage.MalformedMessageException.class);
    }

    @Test
    void aCallerOrCustomIdBeyondItsLimitIsMalformed() {
        String longCaller = "{\"request\": {\"prompt\": \"p\"}, \"caller\": \"" + "c".repeat(1_025) + "\"}";
        String longCustomId = "{\"request\": {\"prompt\": \"p\"}, \"customId\": \"" + "c".repeat(129) + "\"}";
        assertThatThrownBy(() -> JobMessage.parse(longCaller)).isInstanceOf(JobMessage.MalformedMessageException.class);
        assertThatThrownBy(() -> JobMessage.parse(longCustomId)).isInstanceOf(JobMessage.MalformedMessageException.class);
    }

    @Test
    void aProducersMessageCarriesItsRequestAndOptions() throws Exception {
        JobMessage message = JobMessage.parse("""
                {"jobId": "job_0123456789abcdef0123456789abcdef", "request": {"prompt": "p"},
                 "customId": "c", "caller": "apikey:abc", "cacheControl": "no-store"}""");
        assertThat(message.jobId()).isEqualTo("job_0123456789abcdef0123456789abcdef");
        assertThat(message.request().path("prompt").asText()).isEqualTo("p");
        assertThat(message.caller().map(dev.genapi.core.caller.Caller::scope)).hasValue("apikey:abc");
        assertThat(message.customId()).isEqualTo("c");
        assertThat(message.cacheControl()).isEqualTo("no-store");
        assertThat(JobMessage.parse("{\"request\": {\"prompt\": \"p\"}}").jobId()).isNull();
    }

    @Test
    void aJwtSubjectsJobNamesTheApiKeyWhoseTierAndBudgetCapIt() throws Exception {
        JobMessage message = JobMessage.parse("""
                {"request": {"prompt": "p"}, "caller": "jwt:https://issuer|alice", "apiKeyId": "tenant1"}""");
        assertThat(message.caller()).hasValue(dev.genapi.core.caller.Caller.ofToken("https://issuer", "alice", "tenant1"));
        assertThat(JobMessage.parse("{\"request\": {\"prompt\": \"p\"}, \"caller\": \"apikey:abc\"}").caller()
                .flatMap(dev.genapi.core.caller.Caller::apiKeyId)).as("an apikey: scope names its key").hasValue("abc");
    }

    @Test
    void theApisMessageNamesOnlyTheJobAndReadsBack() throws Exception {
        String id = Ids.newJobId();
        JobMessage sent = new JobMessage(id, null, java.util.Optional.empty(), null, null, null);
        assertThat(sent.toJson()).isEqualTo("{\"jobId\":\"" + id + "\"}");
        assertThat(JobMessage.parse(sent.toJson()).jobId()).isEqualTo(id);
    }
}
