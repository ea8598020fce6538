package regworkers.platform.services;

/** A downstream service answered 429 or 5xx: worth retrying after a backoff. */
public class ServiceUnavailable extends RuntimeException {

    private final int status;

    public ServiceUnavailable(String request, int status) {
        super(request + " answered " + status);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
