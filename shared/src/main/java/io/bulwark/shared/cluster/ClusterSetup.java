package io.bulwark.shared.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.bulwark.shared.config.ServiceConfig;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Hazelcast cluster manager for a clustered event bus: TCP/IP join on the configured members only (no multicast, no
 * auto-detection), bound to the configured host, tuned to join in seconds rather than the default ten.
 */
public final class ClusterSetup {
  private ClusterSetup() {}

  public static HazelcastClusterManager clusterManager(ServiceConfig cfg) {
    Config hz = new Config();
    hz.setClusterName(cfg.string("BULWARK_CLUSTER_NAME", "bulwark"));
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.tcp.join.port.try.count", "1");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.graceful.shutdown.max.wait", "5");
    // a member that died without leaving (killed, host lost) is dropped after this long instead of the default 60 s,
    // so its event-bus consumers (e.g. a dead ledger writer's) stop receiving messages soon after a standby takes over
    int failureSeconds = cfg.intRange("BULWARK_CLUSTER_FAILURE_SECONDS", 10, 2, 300);
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(failureSeconds));
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cfg.clusterPort()).setPortAutoIncrement(true).setPortCount(10);
    String host = cfg.clusterHost();
    if (host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      net.getInterfaces().setEnabled(true).addInterface(host);
      hz.setProperty("hazelcast.socket.bind.any", "false");
    } else {
      // a container or host name: listen everywhere, tell the others the name
      net.setPublicAddress(host + ":" + cfg.clusterPort());
    }
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(cfg.clusterMembers());
    return new HazelcastClusterManager(hz);
  }
}
