# One image for both daemons and clockctl, each with its own jar. Build the jars first (./mvnw -DskipTests package), then:
#   docker build -t clocksync:dev .
# Where no registry is reachable, build a base image offline and pass it:
#   docker build -t clocksync:dev --build-arg BASE_IMAGE="$(scripts/base-image)" .
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

ARG CLOCKSYNC_UID=10001
RUN groupadd --system --gid ${CLOCKSYNC_UID} clocksync \
 && useradd --system --uid ${CLOCKSYNC_UID} --gid clocksync --home-dir /opt/clocksync --shell /usr/sbin/nologin clocksync

WORKDIR /opt/clocksync
COPY bin/ bin/
COPY docker/run docker/healthcheck docker/
# The same layout as a built checkout (bin/lib.sh runs MODULE/target/MODULE.jar with MODULE/target/lib); the two
# daemons have the same libraries, so the slave's lib/ is the master's. clockctl has its own (no daemon runtime).
COPY master-daemon/target/lib/ master-daemon/target/lib/
COPY master-daemon/target/master-daemon.jar master-daemon/target/
COPY slave-daemon/target/slave-daemon.jar slave-daemon/target/
COPY clockctl/target/lib/ clockctl/target/lib/
COPY clockctl/target/clockctl.jar clockctl/target/
RUN ln -s ../../master-daemon/target/lib slave-daemon/target/lib

USER clocksync
ENV CLOCKSYNC_ADMIN_PORT=8700 \
    CLOCKSYNC_JAVA_OPTS="-Xmx96m -XX:+UseSerialGC -Xss512k"
EXPOSE 7700 8700
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["/opt/clocksync/docker/healthcheck"]
ENTRYPOINT ["/opt/clocksync/docker/run"]
CMD ["--help"]
