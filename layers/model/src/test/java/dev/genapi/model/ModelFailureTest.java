package dev.genapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.core.problem.Problem;
import dev.genapi.model.ModelFailure.Kind;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ModelFailureTest {

    static Kind kindOf(Throwable failure) {
        return ModelFailure.classify(failure).kind();
    }

    @Test
    void langChain4jsExceptionsMapToKinds() {
        HttpException http503 = new HttpException(503, "{}");
        assertThat(kindOf(new RateLimitException("429"))).isEqualTo(Kind.RATE_LIMITED);
        assertThat(kindOf(new TimeoutException("slow"))).isEqualTo(Kind.TIMEOUT);
        assertThat(kindOf(new InternalServerException(http503))).isEqualTo(Kind.UPSTREAM_ERROR);
        assertThat(kindOf(new AuthenticationException(new HttpException(401, "{}")))).isEqualTo(Kind.MISCONFIGURED);
        assertThat(kindOf(new ModelNotFoundException("404"))).isEqualTo(Kind.MISCONFIGURED);
        assertThat(kindOf(new InvalidRequestException("{\"error\":{\"message\":\"bad\"}}"))).isEqualTo(Kind.REJECTED);
        assertThat(kindOf(new InvalidRequestException("{\"error\":{\"details\":[{\"reason\":\"API_KEY_INVALID\"}]}}")))
                .isEqualTo(Kind.MISCONFIGURED);
        assertThat(kindOf(new UnresolvedModelServerException("dns"))).isEqualTo(Kind.UNREACHABLE);
        assertThat(kindOf(new RuntimeException(new UncheckedIOException(new ConnectException("refused")))))
                .isEqualTo(Kind.UNREACHABLE);
        assertThat(kindOf(new NullPointerException())).isEqualTo(Kind.UNEXPECTED);
    }

    @Test
    void onlyFailuresThatCanPassAreTransient() {
        assertThat(Kind.RATE_LIMITED.transientFailure).isTrue();
        assertThat(Kind.TIMEOUT.transientFailure).isTrue();
        assertThat(Kind.UPSTREAM_ERROR.transientFailure).isTrue();
        assertThat(Kind.UNREACHABLE.transientFailure).isTrue();
        assertThat(Kind.MISCONFIGURED.transientFailure).isFalse();
        assertThat(Kind.REJECTED.transientFailure).isFalse();
        assertThat(Kind.BLOCKED.transientFailure).isFalse();
        assertThat(Kind.BAD_RESPONSE.transientFailure).as("re-sending would bill again").isFalse();
        assertThat(Kind.UNEXPECTED.transientFailure).as("it may follow a billed answer").isFalse();
    }

    @Test
    void problemsCarryStatusAndRetryAfterWhereRetryingHelps() {
        Problem rateLimited = new ModelFailure(Kind.RATE_LIMITED, "slow down", 12).toProblem();
        assertThat(rateLimited.status()).isEqualTo(429);
        assertThat(rateLimited.retryAfter()).isEqualTo(12);
        assertThat(new ModelFailure(Kind.UPSTREAM_ERROR, "x", null).toProblem().retryAfter())
                .isEqualTo(ModelFailure.DEFAULT_RETRY_AFTER);
        assertThat(ModelFailure.timeout().toProblem().status()).isEqualTo(504);
        assertThat(ModelFailure.timeout().toProblem().retryAfter()).isNull();
        assertThat(new ModelFailure(Kind.REJECTED, "x", null).toProblem().retryAfter()).isNull();
        assertThat(new ModelFailure(Kind.MISCONFIGURED, "x", null).toProblem().status()).isEqualTo(503);
    }

    @Test
    void theProvidersMessageIsExtractedFromGooglesErrorBody() {
        assertThat(ModelFailure.providerMessage("{\"error\":{\"code\":400,\"message\":\"Bad stop\"}}")).isEqualTo("Bad stop");
        assertThat(ModelFailure.providerMessage("x".repeat(400))).hasSize(301);
    }

    @Test
    void theKnownFinishReasonsAreLangChain4jsOwn() {
        assertThat(GeminiAnswers.KNOWN_FINISH_REASONS).contains("STOP", "MAX_TOKENS", "SAFETY", "OTHER")
                .doesNotContain("SOMETHING_NEW");
    }
}
