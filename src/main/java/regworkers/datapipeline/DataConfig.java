package regworkers.datapipeline;

import java.util.List;

import io.smallrye.config.ConfigMapping;

/** The data pipeline ({@code data.*}): its event types (one sendData queue each) and the largest payload it takes. */
@ConfigMapping(prefix = "data")
public interface DataConfig {

    List<String> types();

    int maxPayloadBytes();
}
