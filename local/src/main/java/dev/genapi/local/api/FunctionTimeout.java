package dev.genapi.local.api;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lambda's stop at a function's {@code Timeout}, for the local stack: an invocation that runs longer is
 * abandoned at its limit and its caller is told so, as Lambda tells API Gateway or the SQS event source.
 * The abandoned invocation is interrupted; what it does after that is dropped (Java cannot stop a thread
 * safely, where Lambda stops the whole container).
 */
public final class FunctionTimeout {

    /** API Gateway's integration time-out: a REST API answers 504 past it, whatever the function's Timeout. */
    public static final Duration API_GATEWAY_LIMIT = Duration.ofSeconds(29);

    private static final ExecutorService INVOCATIONS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "local-invocation");
        thread.setDaemon(true);
        return thread;
    });

    /** The invocation ran past its limit. */
    public static final class TimedOutException extends RuntimeException {
        TimedOutException(String functionName, Duration limit) {
            super(functionName + ": Task timed out after " + limit.toMillis() / 1000.0 + " seconds", null, false, false);
        }
    }

    private FunctionTimeout() {
    }

    /**
     * @throws TimedOutException when {@code invocation} runs longer than {@code limit}
     * @throws RuntimeException  what the invocation threw
     */
    public static <T> T run(String functionName, Duration limit, Callable<T> invocation) {
        Future<T> running = INVOCATIONS.submit(invocation);
        try {
            return running.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            TimedOutException timedOut = new TimedOutException(functionName, limit);
            System.out.println(timedOut.getMessage()); // Lambda's own line in the function's log
            throw timedOut;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the function ran", e);
        }
    }
}
