package regworkers.platform.services;

import regworkers.platform.DependencyUnavailable;

/** A downstream service answered something that is not what its contract promises (an HTML maintenance page, say). */
public class ServiceUnreadable extends DependencyUnavailable {

    public ServiceUnreadable(ServiceRequest request, String why, Throwable cause) {
        super(request.service().dependency(), request.describe() + " answered what cannot be read: " + why, cause);
    }
}
