package bench;

/** One benchmark that {@link Bench} can run: it builds its phases on the started local stack and returns its result. */
interface Benchmark extends AutoCloseable {

    Result run() throws Exception;

    /** Frees what the benchmark holds (clients, consumers); the stack itself is {@link Bench}'s. */
    @Override
    void close();

    /**
     * What {@link Bench} needs of a result besides its public fields (which become target/bench/&lt;name&gt;.json):
     * the run's stamp, the printed table and whether every phase was correct. None of these is a bean getter, so
     * Jackson does not serialize them.
     */
    interface Result {

        void stamp(String startedAt, String gitHead);

        String table();

        boolean correct();
    }
}
