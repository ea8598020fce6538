package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import regworkers.notification.NotificationConfig;
import regworkers.platform.Correlation;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;

/**
 * notification stack. getMarketsToNotify: on the leader only (master: over the lease cluster service), every
 * interval → selected markets whose notifyAt passed → claimed → notificationQueue. notificationGenerator:
 * notificationQueue → the market's winners from its recorded progress → SNS notifications, 10 per PublishBatch,
 * a window of batches in flight, progress every few batches → a continuation message, or (all sent) a notification
 * data event and the market NOTIFIED.
 */
@ApplicationScoped
public class NotificationRoutes extends QueueWorkerRouteBuilder {

    // no dots: the simple language would read them as a path into the property
    private static final String NOTIFICATION = "marketNotification";

    @Inject
    NotificationConfig notification;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        fromSchedule("master:" + notification.leaderNamespace() + ":timer:" + Worker.GET_MARKETS_TO_NOTIFY.id()
                + "?period=" + notification.scheduleInterval().toMillis(), Worker.GET_MARKETS_TO_NOTIFY, "Finding the markets to notify")
                .to(Worker.GET_MARKETS_TO_NOTIFY.workEndpoint());

        fromWork(Worker.GET_MARKETS_TO_NOTIFY, "enqueue")
                .split(method("marketsToNotify", "due"))
                    .filter(method("marketsToNotify", "claim"))
                        .setBody(method("marketsToNotify", "message"))
                        .removeHeaders("*")
                        .to("aws2-sqs:" + queues.names().notification())
                    .end()
                .end()
                .setBody(method("marketsToNotify", "report"));

        fromQueue(queues.names().notification(), Worker.NOTIFICATION_GENERATOR)
                .to(Worker.NOTIFICATION_GENERATOR.workEndpoint())
                .to(acknowledge());

        fromWork(Worker.NOTIFICATION_GENERATOR, "send")
                .setProperty(NOTIFICATION, method("notificationGenerator", "start"))
                .filter(simple("${exchangeProperty." + NOTIFICATION + ".pending}"))
                    .split(method("notificationGenerator", "batches(${exchangeProperty." + NOTIFICATION + "})")).streaming().stopOnException()
                        .bean("notificationGenerator", "send(${exchangeProperty." + NOTIFICATION + "}, ${body})")
                    .end()
                    .bean("notificationGenerator", "finishSending(${exchangeProperty." + NOTIFICATION + "})")
                    .removeHeaders("*")
                    .setHeader(Correlation.HEADER, method(Correlation.class, "of"))
                    .choice()
                        .when(simple("${exchangeProperty." + NOTIFICATION + ".complete}"))
                            .setBody(method("notificationGenerator", "dataEvent(${exchangeProperty." + NOTIFICATION + "})"))
                            .to("aws2-sqs:" + queues.names().processData())
                            .bean("notificationGenerator", "markNotified(${exchangeProperty." + NOTIFICATION + "})")
                        .otherwise()
                            .setBody(method("notificationGenerator", "continuation(${exchangeProperty." + NOTIFICATION + "})"))
                            .to("aws2-sqs:" + queues.names().notification())
                    .end()
                .end();
        // spotless:on
    }
}
