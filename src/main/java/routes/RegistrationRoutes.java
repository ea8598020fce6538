package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;
import regworkers.registration.CheckEligibilityConfig;
import regworkers.registration.ClientError;
import regworkers.registration.UpsertUsersConfig;
import regworkers.registration.UserUpserts.PendingUser;

/**
 * registration stack. checkEligibility: POST from AppSync's HTTP resolver → transport checks → token → request
 * shape → subject → the eligibility checks → the seed's answer. upsertUsers: upsertUsersQueue → batches of up to
 * 10 users → user service upsert-many → each message settled by its own user's outcome.
 */
@ApplicationScoped
public class RegistrationRoutes extends QueueWorkerRouteBuilder {
    @Inject
    CheckEligibilityConfig checkEligibility;

    @Inject
    UpsertUsersConfig upsertUsers;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        rest(checkEligibility.path()).post().routeId(Worker.CHECK_ELIGIBILITY.routeId("rest")).to(Worker.CHECK_ELIGIBILITY.workEndpoint());

        from(Worker.CHECK_ELIGIBILITY.workEndpoint()).routeId(Worker.CHECK_ELIGIBILITY.routeId())
                .onException(ClientError.class).handled(true)
                    .setBody(method("eligibilityResponses", "clientError"))
                .end()
                .onException(Exception.class).handled(true).logExhausted(false)
                    .setBody(method("eligibilityResponses", "internalError"))
                .end()
                .bean("eligibilityResponses", "begin")
                .bean("eligibilityRequests", "checkTransport")
                .bean("accessTokens", "verify")
                .bean("eligibilityRequests", "read")
                .bean("accessTokens", "requireSubject")
                .bean("eligibilityCheck", "check")
                .bean("eligibilityResponses", "decision");

        inBatches(fromQueue(queues.names().upsertUsers(), Worker.UPSERT_USERS)
                        .setBody(method("userUpserts", "pending")),
                constant(true), PendingUser.class, upsertUsers, method("userUpserts", "upsert"));

        fromWork(Worker.UPSERT_USERS, "invoke")
                .setBody(method("userUpserts", "pending"))
                .setBody(method("userUpserts", "upsertNow"));
        // spotless:on
    }
}
