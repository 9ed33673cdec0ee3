package dev.genapi.model;

import dev.genapi.core.log.Coded;
import dev.langchain4j.exception.NonRetriableException;

/**
 * A classified model failure. It extends LangChain4j's {@link NonRetriableException} so that, thrown from
 * {@link GeminiHttpClient}, it leaves LangChain4j's retry loop at once: a 429 is not re-sent after 0.5 s
 * against the provider's Retry-After, and a billed response we cannot read is not bought again.
 */
public class ModelFailureException extends NonRetriableException implements Coded {

    private final ModelFailure failure;

    public ModelFailureException(ModelFailure failure) {
        super(failure.kind() + ": " + failure.detail());
        this.failure = failure;
    }

    public ModelFailureException(ModelFailure failure, Throwable cause) {
        super(failure.kind() + ": " + failure.detail(), cause);
        this.failure = failure;
    }

    public ModelFailure failure() {
        return failure;
    }

    @Override
    public String errorCode() {
        return failure.type().slug();
    }
}
