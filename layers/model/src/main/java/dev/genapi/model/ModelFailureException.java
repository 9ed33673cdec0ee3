package dev.genapi.model;

import dev.genapi.core.log.Coded;
import dev.langchain4j.exception.NonRetriableException;
import java.util.OptionalLong;

/**
 * A classified model failure. It extends LangChain4j's {@link NonRetriableException} so that, thrown from
 * {@link ModelHttpClient}, it leaves LangChain4j's retry loop at once: a 429 is not re-sent after 0.5 s
 * against the provider's Retry-After, and a billed response we cannot read is not bought again.
 */
public class ModelFailureException extends NonRetriableException implements Coded {

    private final ModelFailure failure;
    /** What the attempts may have been billed, in nano-dollars; null until the fallback chain knows. */
    private final Long possiblyBilledNanoUsd;

    public ModelFailureException(ModelFailure failure) {
        this(failure, null, null);
    }

    public ModelFailureException(ModelFailure failure, Throwable cause) {
        this(failure, cause, null);
    }

    private ModelFailureException(ModelFailure failure, Throwable cause, Long possiblyBilledNanoUsd) {
        super(failure.kind() + ": " + failure.detail(), cause);
        this.failure = failure;
        this.possiblyBilledNanoUsd = possiblyBilledNanoUsd;
    }

    /** The same failure, ending a chain whose attempts may have been billed {@code nanoUsd} in all. */
    ModelFailureException possiblyBilled(long nanoUsd) {
        return new ModelFailureException(failure, this, nanoUsd);
    }

    public ModelFailure failure() {
        return failure;
    }

    /**
     * What the provider may have billed for the request's attempts all the same (0 when surely nothing):
     * its reservation is settled at this. Empty for a failure that did not come through the fallback chain.
     */
    public OptionalLong possiblyBilledNanoUsd() {
        return possiblyBilledNanoUsd == null ? OptionalLong.empty() : OptionalLong.of(possiblyBilledNanoUsd);
    }

    @Override
    public String errorCode() {
        return failure.type().slug();
    }

    /** A 200 the model sent that cannot be used; never re-sent, as the provider may have billed it. */
    static ModelFailureException badResponse(String why) {
        return new ModelFailureException(new ModelFailure(ModelFailure.Kind.BAD_RESPONSE,
                "The model answered, but " + why + "; the request was not re-sent.", null));
    }
}
