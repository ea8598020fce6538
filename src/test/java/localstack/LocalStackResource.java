package localstack;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the app under test at the shared local stack (started once per test run, on free ports). */
public class LocalStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        LocalStack stack = LocalStack.shared();
        stack.createTestQueue("contractProbeQueue");
        stack.createTestQueue("operationsTestQueue");
        return stack.appConfig();
    }

    @Override
    public void stop() {
        // the stack outlives a single Quarkus app start; it stops with the JVM
    }
}
