package dev.portcullis.audit.ingest;

import dev.portcullis.audit.config.AuditConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the access-log topic when it is missing, with the configured partitions and
 * replication (broker auto-creation would use the broker's defaults). Proxy nodes may have
 * created it first: "already exists" is success.
 */
final class TopicSetup {
    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private TopicSetup() {
    }

    enum Outcome {
        /** Created now, or there already. */
        EXISTS,
        /** Kafka did not answer: try again later. */
        UNREACHABLE,
        /** Refused (not authorized, invalid settings...): logged; consuming goes on regardless. */
        REFUSED
    }

    static Outcome ensure(AuditConfig.Kafka kafka) {
        Admin admin = Admin.create(KafkaClients.admin(kafka));
        try {
            admin.createTopics(List.of(new NewTopic(kafka.topic(), kafka.partitions(), kafka.replicationFactor())))
                    .all().get(15, TimeUnit.SECONDS);
            LOG.infof("created topic %s (%d partitions, replication %d)", kafka.topic(), kafka.partitions(),
                    kafka.replicationFactor());
            return Outcome.EXISTS;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return Outcome.EXISTS;
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                LOG.warnf("Kafka at %s is not reachable; will try again to create topic %s",
                        kafka.bootstrapServers(), kafka.topic());
                return Outcome.UNREACHABLE;
            }
            LOG.warnf("cannot create topic %s (%s); consuming anyway, it may be created by its producers",
                    kafka.topic(), e.getCause());
            return Outcome.REFUSED;
        } catch (TimeoutException e) {
            LOG.warnf("Kafka at %s did not answer within 15s; will try again to create topic %s",
                    kafka.bootstrapServers(), kafka.topic());
            return Outcome.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNREACHABLE;
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
