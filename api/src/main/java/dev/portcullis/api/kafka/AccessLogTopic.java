package dev.portcullis.api.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the access-log topic when it is missing, with the given partitions and replication,
 * for whichever of the proxy nodes and the audit collector starts first. Broker auto-creation is
 * not good enough: it uses the broker's defaults, and an idempotent producer writing to a topic
 * that is being auto-created can lose a batch (KAFKA-15591: the first request fails with
 * NOT_LEADER_OR_FOLLOWER, a later one lands, and the first is retried into
 * OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout). "Already exists" is success.
 */
public final class AccessLogTopic {
    private static final Logger LOG = Logger.getLogger(AccessLogTopic.class);

    private AccessLogTopic() {}

    public enum Outcome {
        /** Created now, or there already. */
        EXISTS,
        /** Kafka did not answer: try again later. */
        UNREACHABLE,
        /** Refused (not authorized, invalid settings...): logged; the caller goes on regardless. */
        REFUSED
    }

    /** @param adminConfig Kafka admin client properties (bootstrap servers, security) */
    public static Outcome ensure(
            Map<String, Object> adminConfig, String topic, int partitions, short replicationFactor) {
        Admin admin = Admin.create(adminConfig);
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor)))
                    .all()
                    .get(15, TimeUnit.SECONDS);
            LOG.infof("created topic %s (%d partitions, replication %d)", topic, partitions, replicationFactor);
            return Outcome.EXISTS;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return Outcome.EXISTS;
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                LOG.warnf(
                        "Kafka at %s is not reachable; will try again to create topic %s",
                        adminConfig.get("bootstrap.servers"), topic);
                return Outcome.UNREACHABLE;
            }
            LOG.warnf(
                    "cannot create topic %s (%s); going on, it may exist or be created by others", topic, e.getCause());
            return Outcome.REFUSED;
        } catch (TimeoutException e) {
            LOG.warnf(
                    "Kafka at %s did not answer within 15s; will try again to create topic %s",
                    adminConfig.get("bootstrap.servers"), topic);
            return Outcome.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNREACHABLE;
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
