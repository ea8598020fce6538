package regworkers.platform;

/** One queue message's share of a batch worked on together (after an aggregator). */
public interface BatchItem {

    QueueMessage message();

    String correlationId();
}
