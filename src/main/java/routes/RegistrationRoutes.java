package routes;

import java.util.ArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.AggregationStrategies;
import regworkers.platform.QueueMessage;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;
import regworkers.registration.ClientError;
import regworkers.registration.UserUpserts.PendingUser;

/**
 * registration stack. checkEligibility: POST from AppSync's HTTP resolver → transport checks → token → request
 * shape → subject → the eligibility checks → the seed's answer. upsertUsers: upsertUsersQueue → batches of up to
 * 10 users → user service upsert-many → each message settled by its own user's outcome.
 */
@ApplicationScoped
public class RegistrationRoutes extends QueueWorkerRouteBuilder {

    @Override
    public void configure() {
        rest("{{check-eligibility.path}}").post().routeId("checkEligibility-rest").to("direct:checkEligibility");

        from("direct:checkEligibility").routeId("checkEligibility")
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

        fromQueue("{{queue.upsert-users}}", "upsertUsers", Worker.UPSERT_USERS)
                .setBody(method("userUpserts", "pending"))
                .aggregate(constant(true), AggregationStrategies.flexible(PendingUser.class).accumulateInCollection(ArrayList.class))
                    .completionSize("{{upsert-users.batch-size}}")
                    .completionTimeout("{{upsert-users.batch-wait-ms}}")
                    .removeProperty(QueueMessage.PROPERTY)
                    .setBody(method("userUpserts", "upsert"))
                    .split(body())
                        .bean(queueContract, "settle")
                    .end()
                .end();

        fromWork("upsertUsers", "upsertUsers-invoke")
                .setBody(method("userUpserts", "upsertOne"));
    }
}
