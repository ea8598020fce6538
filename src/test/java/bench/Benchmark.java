package bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark that {@link Bench} can run: it builds its phases on the started local stack, returns its result and
 * prints it as a table.
 */
interface Benchmark<R extends Benchmark.Result> extends AutoCloseable {

    R run() throws Exception;

    /** The printed table of a run. */
    String table(R result);

    /** Frees what the benchmark holds (clients, consumers); the stack itself is {@link Bench}'s. */
    @Override
    void close();

    /**
     * What every result holds; its public fields (and those of each benchmark's subclass) become
     * target/bench/&lt;name&gt;.json. {@link #correct()} and {@link #header} are no bean getters, so Jackson leaves them out.
     */
    abstract class Result {
        public String benchmark;
        public String startedAt;
        public String gitHead;
        public String machine;
        public String command;
        public Map<String, Object> settings = new LinkedHashMap<>();
        public Map<String, Object> medians = new LinkedHashMap<>();
        public boolean allCorrect;

        void stamp(String benchmark, String startedAt, String gitHead) {
            this.benchmark = benchmark;
            this.startedAt = startedAt;
            this.gitHead = gitHead;
        }

        boolean correct() {
            return allCorrect;
        }

        /** The first lines of a table: what was measured ({@code title}) on which machine, and the command. */
        String header(String title) {
            return "\n" + title + "; machine: " + machine + "\ncommand: " + command + "\n";
        }
    }
}
