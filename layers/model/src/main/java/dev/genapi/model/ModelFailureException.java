package dev.genapi.model;

import dev.genapi.core.log.Coded;
import dev.langchain4j.exception.NonRetriableException;

/**
 * A classified model failure. It extends LangChain4j's {@link NonRetriableException} so that, thrown from
 * {@link ModelHttpClient}, it leaves LangChain4j's retry loop at once: a 429 is not re-sent after 0.5 s
 * against the provider's Retry-After, and a billed response we cannot read is not bought again.
 */
public class ModelFailureException extends NonRetriableException implements Coded {

    private final ModelFailure failure;
    private final boolean earlierAttemptMayHaveBeenBilled;

    public ModelFailureException(ModelFailure failure) {
        this(failure, null, false);
    }

    public ModelFailureException(ModelFailure failure, Throwable cause) {
        this(failure, cause, false);
    }

    private ModelFailureException(ModelFailure failure, Throwable cause, boolean earlierAttemptMayHaveBeenBilled) {
        super(failure.kind() + ": " + failure.detail(), cause);
        this.failure = failure;
        this.earlierAttemptMayHaveBeenBilled = earlierAttemptMayHaveBeenBilled;
    }

    /** The same failure, ending a chain in which an earlier attempt (one that timed out) may have been billed. */
    ModelFailureException afterAnAttemptThatMayHaveBeenBilled() {
        return new ModelFailureException(failure, this, true);
    }

    public ModelFailure failure() {
        return failure;
    }

    /** True when the provider may have billed this request all the same: its reservation is settled at its most. */
    public boolean mayHaveBeenBilled() {
        return failure.kind().mayHaveBeenBilled || earlierAttemptMayHaveBeenBilled;
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
