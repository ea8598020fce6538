package regworkers.platform;

/**
 * The message's work is done, or owned, by another message (a duplicate that meets the live owner of the same
 * work): there is nothing left for this message to do, so it is acknowledged, never retried or dead-lettered.
 */
public class WorkDoneElsewhere extends RuntimeException {

    public WorkDoneElsewhere(String message) {
        super(message);
    }
}
