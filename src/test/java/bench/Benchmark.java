package bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** One benchmark that {@link Bench} can run: it builds its phases on the started local stack and returns its result. */
interface Benchmark extends AutoCloseable {

    Result run() throws Exception;

    /** Frees what the benchmark holds (clients, consumers); the stack itself is {@link Bench}'s. */
    @Override
    void close();

    /**
     * What every result holds; its public fields (and those of each benchmark's subclass) become
     * target/bench/&lt;name&gt;.json. {@link #table()} and {@link #correct()} are no bean getters, so Jackson leaves them out.
     */
    abstract class Result {
        public final String benchmark;
        public String startedAt;
        public String gitHead;
        public String machine;
        public String command;
        public Map<String, Object> settings = new LinkedHashMap<>();
        public Map<String, Object> medians = new LinkedHashMap<>();
        public boolean allCorrect;

        protected Result(String benchmark) {
            this.benchmark = benchmark;
        }

        void stamp(String startedAt, String gitHead) {
            this.startedAt = startedAt;
            this.gitHead = gitHead;
        }

        boolean correct() {
            return allCorrect;
        }

        /** The printed table of the run. */
        abstract String table();
    }
}
