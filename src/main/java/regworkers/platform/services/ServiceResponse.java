package regworkers.platform.services;

/** What a downstream service answered, after retries: any status that is not retryable (2xx, 3xx, 4xx but 429). */
public record ServiceResponse(ServiceRequest request, int status, String body) {

    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /** This response, when it is a success; otherwise the service refused the request for good. */
    public ServiceResponse requireSuccess() {
        if (!isSuccessful()) {
            throw new ServiceRejected(this);
        }
        return this;
    }
}
