package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.LoggingLevel;
import org.apache.camel.component.kafka.KafkaConstants;
import regworkers.datapipeline.DataEvents;
import regworkers.datapipeline.DataPublisher;
import regworkers.datapipeline.DataPublisher.PendingDataEvent;
import regworkers.datapipeline.ProcessDataConfig;
import regworkers.platform.Correlation;
import regworkers.platform.KafkaConfig;
import regworkers.platform.QueueWorkerRouteBuilder;
import regworkers.platform.Worker;

/**
 * dataPipeline stack. processData: processDataQueue -> envelope -> batches of up to 10 -> SNS PublishBatch to
 * registration-data (attribute type), which fans out to one sendData-{type} queue per type. sendData: each sendData-{type} queue -> JSON-schema validation ->
 * Kafka registration.data (key campaignId, correlation id header).
 */
@ApplicationScoped
public class DataPipelineRoutes extends QueueWorkerRouteBuilder {
    @Inject
    DataEvents dataEvents;

    @Inject
    DataPublisher dataPublisher;

    @Inject
    ProcessDataConfig processData;

    @Inject
    KafkaConfig kafka;

    @Override
    public void configure() {
        // spotless:off: the route DSL is indented by hand to show the flow's nesting
        inBatches(fromQueue(queues.names().processData(), Worker.PROCESS_DATA)
                        .setBody(method(dataPublisher, "pending")),
                constant(true), PendingDataEvent.class, processData, method(dataPublisher, "publish"));

        fromWork(Worker.PROCESS_DATA, "invoke")
                .setBody(method(dataPublisher, "pending"))
                .setBody(method(dataPublisher, "publishNow"));

        for (String type : dataEvents.dataTypes()) {
            fromQueue(queues.names().sendDataPrefix() + type, Worker.SEND_DATA, type)
                    .setProperty(DataEvents.QUEUE_TYPE, constant(type))
                    .to(Worker.SEND_DATA.workEndpoint())
                    .to(acknowledge());
        }

        fromWork(Worker.SEND_DATA, "publish")
                .setBody(method(dataEvents, "readEnvelope"))
                .toD("json-validator:schemas/${exchangeProperty." + DataEvents.DATA_TYPE + "}.json")
                .setProperty(KafkaConstants.KEY, method(dataEvents, "kafkaKey"))
                .setBody(method(dataEvents, "toKafkaValue"))
                .removeHeaders("*")
                .setHeader(KafkaConstants.KEY, exchangeProperty(KafkaConstants.KEY))
                .setHeader(Correlation.HEADER, method(Correlation.class, "of"))
                .setHeader("eventId", exchangeProperty(DataEvents.EVENT_ID))
                .to("kafka:" + kafka.topic())
                .log(LoggingLevel.DEBUG, "Sent ${exchangeProperty." + DataEvents.DATA_TYPE + "} event ${exchangeProperty." + DataEvents.EVENT_ID + "} to Kafka");
        // spotless:on
    }
}
