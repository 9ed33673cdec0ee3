package dev.genapi.model;

import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Duration;

/** What every LangChain4j HTTP client builder of ours keeps: the time-outs LangChain4j sets on it. */
abstract class TimeoutsBuilder implements HttpClientBuilder {

    private Duration connectTimeout;
    private Duration readTimeout;

    @Override
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public HttpClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /** LangChain4j passes the model's {@code timeout} here. */
    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public HttpClientBuilder readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }
}
