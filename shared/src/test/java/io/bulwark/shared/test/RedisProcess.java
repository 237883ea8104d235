package io.bulwark.shared.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free loopback port, which the test may stop and start again on the same port
 * (the shared one on 6379 is never touched). Nothing is persisted.
 */
public final class RedisProcess implements AutoCloseable {
  private static final String BINARY = "/usr/bin/redis-server";
  private final int port = TestPostgres.freePort();
  private Process process;
  private redis.embedded.RedisServer embedded;

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public RedisProcess start() throws IOException, InterruptedException {
    if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of(BINARY))) {
      // no redis-server installed (a laptop): the embedded one the other tests use, on this same port
      embedded = redis.embedded.RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
      embedded.start();
      return this;
    }
    process = new ProcessBuilder(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!answersPing()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("redis-server on port " + port + " did not come up");
      }
      Thread.sleep(20);
    }
    return this;
  }

  public void stop() throws InterruptedException {
    if (embedded != null) {
      try {
        embedded.stop();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      embedded = null;
    }
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  public boolean answersPing() {
    return answersPing("127.0.0.1", port, 500);
  }

  /** Whether a Redis at host:port answers PING with PONG within {@code timeoutMs}. */
  public static boolean answersPing(String host, int port, int timeoutMs) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] buf = s.getInputStream().readNBytes(7);
      return buf.length == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }


  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
