package io.bulwark.alert.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refuses a bad file with its lines; reloads swap valid rules and keep the old ones on a bad change. */
class RulesFileTest {
  static final String ONE = "rules:\n  - {name: One, kind: flap, severity: warning}\n";
  static final String TWO = ONE + "  - {name: Two, kind: flap, severity: info}\n";
  static Vertx vertx;
  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static void eventually(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Replaces the file by rename, as editors and ConfigMaps do. */
  void write(Path file, String text) throws Exception {
    Path tmp = dir.resolve("tmp.yaml");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void badFileRefusesStartWithLinesAndReasons() throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, "rules:\n  - {name: One, kind: flap, severity: loud}\n  - {name: Two, kind: what}\n");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(RulesFile.load(vertx, file, 1.0, 50, null)));
    RulesFileException r = assertInstanceOf(RulesFileException.class, e.getCause());
    assertEquals(3, r.problems().size(), r.problems().toString());
    assertTrue(r.problems().get(0).startsWith(file + ":2: rule One: severity must be"), r.problems().toString());
    assertTrue(r.getMessage().contains(file + ":3: rule Two: severity is required"), r.getMessage());
  }

  @Test
  void missingFileRefusesStart() {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(RulesFile.load(vertx, dir.resolve("nope.yaml"), 1.0, 50, null)));
    assertInstanceOf(RulesFileException.class, e.getCause());
  }

  @Test
  void reloadAppliesGoodAndKeepsOldOnBad() throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, ONE);
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    RulesFile rf = await(RulesFile.load(vertx, file, 1.0, 20, reg));
    AtomicReference<RuleSet> seen = new AtomicReference<>();
    rf.onChange(seen::set);
    assertEquals(List.of("One"), rf.current().names());

    write(file, TWO);
    eventually(() -> rf.current().names().size() == 2, "the good change");
    assertEquals(List.of("One", "Two"), seen.get().names());

    write(file, "rules:\n  - {name: Three, kind: flap}\n");
    eventually(() -> reg.get(RulesFile.RELOADS).tag("result", "rejected").counter().count() == 1, "the rejection");
    Thread.sleep(150); // several polls of the same bad content: reported once
    assertEquals(1.0, reg.get(RulesFile.RELOADS).tag("result", "rejected").counter().count());
    assertEquals(List.of("One", "Two"), rf.current().names(), "old rules kept");

    Files.delete(file);
    eventually(() -> reg.get(RulesFile.RELOADS).tag("result", "rejected").counter().count() == 2, "missing file");
    write(file, ONE);
    eventually(() -> rf.current().names().equals(List.of("One")), "back to one rule");
    assertEquals(2.0, reg.get(RulesFile.RELOADS).tag("result", "applied").counter().count());
    await(rf.close());
  }

  @Test
  void builtInRulesWhenNoFile() throws Exception {
    RulesFile rf = await(RulesFile.load(vertx, null, 1.0, 1000, null));
    assertTrue(rf.current().names().contains("GatewayAvailabilityBurnRate"));
    await(rf.close());
  }
}
