package routes;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.LoggingLevel;
import regworkers.platform.Correlation;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;

/**
 * notification stack. getMarketsToNotify: on the leader only (master: over the lease cluster service), every
 * interval → selected markets whose notifyAt passed → claimed → notificationQueue. notificationGenerator:
 * notificationQueue → the market's winners from its recorded progress → SNS notifications, 10 per PublishBatch,
 * progress after each → a continuation message, or (all sent) a notification data event and the market NOTIFIED.
 */
@ApplicationScoped
public class NotificationRoutes extends QueueWorkerRouteBuilder {

    // no dots: the simple language would read them as a path into the property
    private static final String NOTIFICATION = "marketNotification";

    @Override
    public void configure() {
        from("master:{{notification.leader-namespace}}:timer:getMarketsToNotify?period={{notification.schedule-interval-ms}}")
                .routeId("getMarketsToNotify")
                .onException(Exception.class).handled(true).logExhausted(false)
                    .log(LoggingLevel.WARN, "Finding the markets to notify failed: ${exception.message}")
                .end()
                .to("direct:getMarketsToNotify");

        fromWork("getMarketsToNotify", "getMarketsToNotify-enqueue")
                .split(method("marketsToNotify", "due"))
                    .filter(method("marketsToNotify", "claim"))
                        .setBody(method("marketsToNotify", "message"))
                        .removeHeaders("*")
                        .to("aws2-sqs:{{queue.notification}}")
                    .end()
                .end()
                .setBody(method("marketsToNotify", "report"));

        fromQueue("{{queue.notification}}", "notificationGenerator", Worker.NOTIFICATION_GENERATOR)
                .to("direct:notificationGenerator")
                .to(acknowledge());

        fromWork("notificationGenerator", "notificationGenerator-send")
                .setProperty(NOTIFICATION, method("notificationGenerator", "start"))
                .filter(simple("${exchangeProperty." + NOTIFICATION + ".pending}"))
                    .split(method("notificationGenerator", "batches(${exchangeProperty." + NOTIFICATION + "})")).streaming().stopOnException()
                        .bean("notificationGenerator", "publish(${exchangeProperty." + NOTIFICATION + "}, ${body})")
                    .end()
                    .removeHeaders("*")
                    .setHeader(Correlation.HEADER, method(Correlation.class, "of"))
                    .choice()
                        .when(simple("${exchangeProperty." + NOTIFICATION + ".complete}"))
                            .setBody(method("notificationGenerator", "dataEvent(${exchangeProperty." + NOTIFICATION + "})"))
                            .to("aws2-sqs:{{queue.process-data}}")
                            .bean("notificationGenerator", "markNotified(${exchangeProperty." + NOTIFICATION + "})")
                        .otherwise()
                            .setBody(method("notificationGenerator", "continuation(${exchangeProperty." + NOTIFICATION + "})"))
                            .to("aws2-sqs:{{queue.notification}}")
                    .end()
                .end();
    }
}
