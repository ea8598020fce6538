# reg-workers: one image for every stack (SPEC §1). Build after `./mvnw package`:
#   docker build -t reg-workers .
# The build context is only target/quarkus-app/ and docker/ (.dockerignore).
# Runtime: CONFIG_ENV picks the Quarkus profile, APP_STACK or APP_NAME the workers (k8s/README.md).
ARG BASE_IMAGE=registry.access.redhat.com/ubi9/openjdk-25-runtime:1.24
FROM ${BASE_IMAGE}

# JAVA_OPTS: Serial GC is the pods' collector (k8s/README.md "Memory and GC"); naming it here keeps the AOT cache,
# trained during the image build on a bigger machine, valid in the pod (a JVM takes the cache only with the GC it was
# trained with). MetaspaceSize: no full collection for class metadata while the app starts (each one grew the heap by
# half); TrimNativeHeapInterval: freed native memory (the JIT's start-up arenas) goes back to the OS every second.
ENV LANGUAGE=en_US:en \
    APP_HOME=/deployments \
    CONFIG_ENV=prod \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager -XX:MetaspaceSize=128m -XX:TrimNativeHeapInterval=1000"

WORKDIR /deployments
# dependencies first: they change less often than the application, so their layer is reused
COPY target/quarkus-app/lib/ /deployments/lib/
COPY target/quarkus-app/quarkus-run.jar /deployments/
COPY docker/entrypoint.sh /deployments/entrypoint.sh
COPY docker/aot-train.sh /deployments/aot-train.sh

# the AOT caches (JDK 25), trained in this image with its own JVM and JAVA_OPTS, taken by entrypoint.sh: 1.3-2.7 s less
# to ready per stack (bench/README.md "startup"). A JVM loads every class of its cache at start, so each stack of
# AOT_STACKS (the Deployments' APP_STACK values) gets a cache of its own classes (app-<stack>.aot, 12-18 MB less RSS
# than the one of all workers); app.aot serves every other selection. Each cache is ~100 MB, ~28 MB compressed.
ARG AOT_STACKS="registration replication selection dataPipeline notification"
USER root
RUN bash /deployments/aot-train.sh /deployments /deployments/app.aot $JAVA_OPTS \
 && for stack in $AOT_STACKS; do \
      APP_STACK="$stack" bash /deployments/aot-train.sh /deployments "/deployments/app-$stack.aot" $JAVA_OPTS || exit 1; \
    done

# 8080: HTTP (REST, /q/health, /q/metrics). Jolokia is off by default and, when enabled, listens on loopback only.
EXPOSE 8080

# the files above stay owned by root and read-only to the application user
USER 185

ENTRYPOINT ["/bin/sh", "/deployments/entrypoint.sh"]
