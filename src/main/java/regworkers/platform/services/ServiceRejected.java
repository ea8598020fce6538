package regworkers.platform.services;

import regworkers.platform.PermanentFailure;

/** A downstream service refused a request with a 4xx other than 429: retrying the same request cannot help. */
public class ServiceRejected extends PermanentFailure {

    private final int status;

    public ServiceRejected(ServiceResponse response) {
        super("SERVICE_REJECTED", response.request().describe() + " answered " + response.status());
        this.status = response.status();
    }

    public int status() {
        return status;
    }
}
