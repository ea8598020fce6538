package regworkers.platform.services;

import regworkers.platform.DependencyUnavailable;

/** A downstream service answered 401 or 403: our credentials (API key) are refused, which no message can fix. */
public class ServiceCredentialsRefused extends DependencyUnavailable {

    public ServiceCredentialsRefused(ServiceResponse response) {
        super(
                response.request().service().dependency(),
                response.request().describe() + " answered " + response.status()
                        + ": the service refuses our credentials");
    }
}
