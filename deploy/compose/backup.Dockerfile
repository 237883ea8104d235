# backup-service runs pg_dump and pg_restore, whose major version must be at least the server's (PostgreSQL 15 here):
# the PostgreSQL 15 image brings exactly those client tools, and the JRE is copied in from the Temurin image.
FROM eclipse-temurin:17-jre AS jre

FROM postgres:15
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:$PATH
# a named volume mounted here takes this owner on first use: the service runs unprivileged and can still write
RUN mkdir -p /var/lib/bulwark/backups && chown postgres:postgres /var/lib/bulwark/backups && chmod 700 /var/lib/bulwark/backups
USER postgres
ENTRYPOINT []
