package dev.genapi.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import java.nio.charset.StandardCharsets;

/**
 * A job keeps its request in one DynamoDB item (400 KB at most, with its result), so a request that would
 * not fit is refused at submission (413) rather than failing later. Only prompts of several hundred
 * thousand bytes (e.g. 100,000 characters outside ASCII) reach this.
 */
final class JobRequestSize {

    static final int MAX_BYTES = 300 * 1024;

    private JobRequestSize() {
    }

    static void require(ObjectNode request, String what) {
        int bytes = Json.write(request).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw Problem.of(ProblemType.CONTENT_TOO_LARGE, what + " is " + bytes + " bytes as UTF-8; a job holds at most "
                    + MAX_BYTES + " bytes. Send it to POST /v1/generate, or shorten it.").toException();
        }
    }
}
