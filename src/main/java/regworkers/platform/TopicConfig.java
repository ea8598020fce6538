package regworkers.platform;

import io.smallrye.config.ConfigMapping;

/** The SNS topics ({@code topic.*}; SPEC §2). */
@ConfigMapping(prefix = "topic")
public interface TopicConfig {

    /** processData publishes every data event here; it fans out to one sendData queue per type. */
    String registrationData();

    /** notificationGenerator publishes fans' notifications here. */
    String notifications();
}
