package regworkers.platform.services;

import regworkers.platform.DependencyUnavailable;

/** A downstream service answered 429 or 5xx: worth retrying after a backoff; the service, not the message, failed. */
public class ServiceUnavailable extends DependencyUnavailable {

    private final int status;

    public ServiceUnavailable(Service service, String request, int status) {
        super(service.dependency(), request + " answered " + status);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
