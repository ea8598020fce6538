package regworkers.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TracingSwitchUnitTest {

    @ParameterizedTest(name = "OTEL_SDK_DISABLED={0}, endpoint={1} -> disabled={2}")
    @CsvSource(
            nullValues = "null",
            value = {
                "null, null, true",
                "null, '', true",
                "null, http://collector:4317, false",
                "true, http://collector:4317, true",
                "false, null, false",
                "' FALSE ', null, false",
            })
    void tracingRunsWhenThereIsACollectorUnlessSwitchedOff(
            String explicitlyDisabled, String endpoint, boolean disabled) {
        assertEquals(disabled, TracingConfigSourceFactory.sdkDisabled(explicitlyDisabled, endpoint));
    }
}
