package regworkers.registration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import regworkers.platform.services.Service;
import regworkers.platform.services.ServiceClient;
import regworkers.platform.services.ServiceRequest;
import regworkers.platform.services.ServiceResponse;

/** Whether a fan holds an invite to an invite-only campaign (campaign service; 404 = no invite). */
@ApplicationScoped
public class Invites {
    @Inject
    ServiceClient services;

    public boolean hasInvite(String campaignId, String globalUserId) {
        ServiceResponse response = services.call(ServiceRequest.get(
                Service.CAMPAIGN,
                "/campaigns/" + ServiceRequest.segment(campaignId) + "/invites/"
                        + ServiceRequest.segment(globalUserId)));
        if (response.isNotFound()) {
            return false;
        }
        response.requireSuccess();
        return true;
    }
}
