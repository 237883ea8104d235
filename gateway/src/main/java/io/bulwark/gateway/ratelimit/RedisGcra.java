package io.bulwark.gateway.ratelimit;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * GCRA decisions in Redis: one atomic script per request over all its subjects, timed by Redis's own clock so every
 * gateway instance agrees on "now". Loaded once with SCRIPT LOAD and run with EVALSHA; loaded again when Redis has
 * lost it (restart, SCRIPT FLUSH, failover).
 */
public final class RedisGcra {
  /**
   * KEYS[i] is a subject's bucket; ARGV[2i-1], ARGV[2i] are its interval and tolerance in µs. Returns
   * {allowed, now, tat_1 .. tat_n} with the TATs after the decision. Lua numbers are doubles: µs since the epoch plus a
   * policy's span stay well under 2^53, and TATs are written with %.0f so they are stored exactly.
   */
  static final String SCRIPT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local n = #KEYS
      local tats = {}
      local allowed = 1
      for i = 1, n do
        local tat = tonumber(redis.call('GET', KEYS[i]) or '') or now
        if tat < now then tat = now end
        if tat - now > tonumber(ARGV[2 * i]) then allowed = 0 end
        tats[i] = tat
      end
      if allowed == 1 then
        for i = 1, n do
          tats[i] = tats[i] + tonumber(ARGV[2 * i - 1])
          local ttl = math.ceil((tats[i] - now) / 1000)
          redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX', string.format('%.0f', ttl))
        end
      end
      local out = {allowed, now}
      for i = 1, n do out[i + 2] = tats[i] end
      return out
      """;
  static final String SHA = sha1(SCRIPT);
  private final Redis redis;
  private final long timeoutMs;

  /** Every command gets {@code timeoutMs}; a slow Redis is treated like an absent one. */
  public RedisGcra(Redis redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  /** Puts the script into Redis's cache; fails if Redis hashes it differently (it never should). */
  public Future<Void> load() {
    return send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT)).compose(r -> SHA.equals(r.toString())
        ? Future.succeededFuture() : Future.failedFuture(new IllegalStateException("SCRIPT LOAD returned " + r)));
  }

  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  /** Decides one request for all {@code subjects} in Redis. */
  public Future<Gcra.Verdict> check(List<Subject> subjects, List<Gcra.Rate> rates) {
    return evalsha(subjects, rates).recover(err -> noScript(err)
        ? load().compose(v -> evalsha(subjects, rates))
        : Future.failedFuture(err)).map(r -> verdict(r, rates));
  }

  private Future<Response> evalsha(List<Subject> subjects, List<Gcra.Rate> rates) {
    Request req = Request.cmd(Command.EVALSHA).arg(SHA).arg(subjects.size());
    for (Subject s : subjects) {
      req.arg(s.key());
    }
    for (Gcra.Rate rate : rates) {
      req.arg(rate.intervalMicros()).arg(rate.toleranceMicros());
    }
    return send(req);
  }

  private Future<Response> send(Request req) {
    return redis.send(req).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private static Gcra.Verdict verdict(Response r, List<Gcra.Rate> rates) {
    if (r == null || r.size() != rates.size() + 2) {
      throw new IllegalStateException("unexpected reply from the rate limit script: " + r);
    }
    boolean allowed = r.get(0).toLong() == 1;
    long now = r.get(1).toLong();
    long[] tats = new long[rates.size()];
    for (int i = 0; i < tats.length; i++) {
      tats[i] = r.get(i + 2).toLong();
    }
    return Gcra.settle(now, rates, tats, allowed);
  }

  static boolean noScript(Throwable err) {
    return err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT");
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
