package dev.genapi.core.problem;

/** Ends a request with a problem response. Carries no stack trace: it is control flow, not a fault. */
public class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.status() + " " + problem.slug() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
