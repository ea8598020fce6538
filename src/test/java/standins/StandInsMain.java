package standins;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the five stand-ins with the demo data until the process is stopped, for the local run and benchmarks.
 * Arguments: {@code [firstPort (default 18081)] [apiKey]}.
 */
public final class StandInsMain {

    private StandInsMain() {}

    public static void main(String[] args) throws InterruptedException {
        int firstPort = args.length > 0 ? Integer.parseInt(args[0]) : 18081;
        String apiKey = args.length > 1 ? args[1] : null;
        StandIns standIns = StandIns.start(firstPort, apiKey);
        DemoData.seed(standIns);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            standIns.close();
            stopped.countDown();
        }));
        for (String service : StandIns.SERVICES) {
            System.out.println(service + " stand-in: " + standIns.baseUrl(service));
        }
        stopped.await();
    }
}
