package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.NoteSigner;
import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's evidence procedure as an operator runs it: the suite jar as its own process on real PostgreSQL, the
 * CLI jar as another, and an auditor re-checking the folder with {@code bulwark verify} and nothing else.
 */
class EvidencePackIT {
  private static final Path CLI_JAR = Path.of("target/bulwark-cli.jar");
  private static final String ADMIN_KEY = "it-evidence-pack-admin-key-0123456789";
  private static final String PREFIX = "bulwark evidence-pack: ";
  private static final Set<String> FILES = Set.of("export.json", "report.json", "audit-bundle.json", "checkpoint.txt",
      "keys.txt", "verification.json", "MANIFEST.json");

  @TempDir
  Path dir;

  @Test
  void operatorPacksOneOrgsEvidenceAndAnAuditorReVerifiesItOffline() throws Exception {
    try (TestPostgres db = TestPostgres.create("evidence_pack")) {
      Map<String, String> env = suiteEnv(db.databaseUrl());
      String gw = "http://127.0.0.1:" + env.get("GATEWAY_HTTP_PORT");
      try (ChildJvm suite = ChildJvm.start(SuiteJarEnv.SUITE_JAR, env, dir.resolve("suite.log"))) {
        awaitReady(suite, env, gw);
        createTenant(gw, "acme");
        createTenant(gw, "globex");
        long last = 0;
        for (int i = 0; i < 4; i++) {
          last = Math.max(last, append(gw, "acme", "acme-user-" + i));
          last = Math.max(last, append(gw, "globex", "globex-user-" + i));
        }
        awaitCheckpointCovering(gw, last);

        Path work = Files.createDirectories(dir.resolve("ops"));
        // the token comes from the environment, so it is never on the command line
        Cli ok = cli(work, Map.of("BULWARK_TOKEN", ADMIN_KEY), "evidence-pack", "--base-url", gw, "--org", "acme");
        assertEquals(0, ok.exit, ok.toString());
        assertFalse((ok.out + ok.err).contains(ADMIN_KEY), "the token was printed: " + ok);
        assertEquals(List.of(), ok.failures(), ok.toString());
        assertTrue(ok.err.contains("fetching export and report") && ok.err.contains("wrote 7 files to"), ok.toString());
        List<String> out = ok.out.strip().lines().toList();
        assertEquals(2, out.size(), ok.toString());
        Path pack = Path.of(out.get(0));
        assertEquals(work.toRealPath(), pack.getParent().toRealPath());
        assertTrue(pack.getFileName().toString().matches("evidence-acme-\\d{8}T\\d{6}Z"), pack.toString());
        assertTrue(out.get(1).startsWith("verified: "), ok.toString());
        try (Stream<Path> left = Files.list(work)) {
          assertEquals(List.of(pack.getFileName().toString()), left.map(p -> p.getFileName().toString()).toList(),
              "no staging folder is left beside the pack");
        }

        assertManifestMatchesTheFiles(pack, gw);
        JsonObject verification = new JsonObject(Files.readString(pack.resolve("verification.json")));
        assertTrue(verification.getBoolean("verified"), verification.encodePrettily());
        assertTrue(verification.getJsonObject("checkpoint").getBoolean("verified"), verification.encodePrettily());
        assertEquals("gateway", verification.getJsonObject("keys").getString("source"));
        assertEquals(0L, verification.getJsonObject("scope").getLong("otherTenantEntries"));
        Set<String> actors = assertOnlyAcmesEntries(pack.resolve("audit-bundle.json"));
        assertTrue(actors.containsAll(List.of("acme-user-0", "acme-user-1", "acme-user-2", "acme-user-3")), actors.toString());
        JsonObject export = new JsonObject(Files.readString(pack.resolve("export.json")));
        assertEquals(export.getJsonObject("audit"), new JsonObject(Files.readString(pack.resolve("audit-bundle.json"))));
        assertEquals(export.getString("checkpoint"), Files.readString(pack.resolve("checkpoint.txt")));
        assertEquals("acme", new JsonObject(Files.readString(pack.resolve("report.json"))).getJsonObject("scope")
            .getString("tenant"));

        // the auditor's re-check with the folder alone, then with one byte of an entry changed
        Path bundle = pack.resolve("audit-bundle.json");
        Path keys = pack.resolve("keys.txt");
        Cli reverify = cli(pack, Map.of(), "verify", bundle.toString(), "--keys-file", keys.toString());
        assertEquals(0, reverify.exit, reverify.toString());
        Path tampered = tamperOneByte(bundle, dir.resolve("tampered-bundle.json"));
        Cli caught = cli(pack, Map.of(), "verify", tampered.toString(), "--keys-file", keys.toString());
        assertEquals(1, caught.exit, caught.toString());
        assertFalse(new JsonObject(caught.out.strip()).getBoolean("verified"), caught.toString());

        Cli again = cli(work, Map.of(), "evidence-pack", "--base-url", gw, "--org", "acme", "--token", ADMIN_KEY,
            "--out", pack.toString());
        assertFailure(again, 2, pack + " exists and is not empty");

        // trusting only a key the ledger never signed with: fetched, kept, and not verified
        Path stranger = Files.writeString(dir.resolve("stranger.vkeys"),
            NoteSigner.generate("bulwark.local/audit").verifierKey().encode() + "\n");
        Path untrusted = dir.resolve("untrusted");
        Cli notVerified = cli(work, Map.of(), "evidence-pack", "--base-url", gw, "--org", "acme", "--token", ADMIN_KEY,
            "--out", untrusted.toString(), "--keys-file", stranger.toString());
        assertEquals(1, notVerified.exit, notVerified.toString());
        assertTrue(notVerified.out.contains("NOT verified: unknown-key"), notVerified.toString());
        assertEquals(FILES, names(untrusted));
        JsonObject why = new JsonObject(Files.readString(untrusted.resolve("verification.json")));
        assertFalse(why.getBoolean("verified"));
        assertEquals("unknown-key", why.getString("reason"));
        assertEquals("keys-file", why.getJsonObject("keys").getString("source"));

        assertFailure(cli(work, Map.of(), "evidence-pack", "--base-url", gw, "--org", "nobody", "--token", ADMIN_KEY,
            "--out", dir.resolve("nobody").toString()), 2, "404 tenant.not_found");
        Cli wrongKey = cli(work, Map.of(), "evidence-pack", "--base-url", gw, "--org", "acme", "--token",
            "not-the-admin-key-0123456789", "--out", dir.resolve("wrong-key").toString());
        assertFailure(wrongKey, 2, "401 auth.invalid_key");
        assertTrue(wrongKey.failures().get(0).matches(".*\\(request id [A-Za-z0-9._:-]+\\)$"), wrongKey.toString());
        assertFalse(Files.exists(dir.resolve("nobody")) || Files.exists(dir.resolve("wrong-key")));

        suite.terminate(Duration.ofSeconds(30));
        String port = env.get("GATEWAY_HTTP_PORT");
        Cli stopped = cli(work, Map.of(), "evidence-pack", "--base-url", gw, "--org", "acme", "--token", ADMIN_KEY,
            "--out", dir.resolve("stopped").toString(), "--timeout", "5");
        assertFailure(stopped, 3, "cannot reach the gateway at 127.0.0.1:" + port);
        assertFalse(Files.exists(dir.resolve("stopped")));
      }
    }
  }

  @Test
  void aGatewayWhoseDatabaseIsDownIsExitThreeWithTheProblemCode() throws Exception {
    int pgPort = TestPostgres.freePort();
    EmbeddedPostgres pg = TestPostgres.startOwnEmbedded(dir.resolve("pg"), pgPort);
    try {
      Map<String, String> env = suiteEnv("postgres://postgres@127.0.0.1:" + pgPort + "/postgres");
      String gw = "http://127.0.0.1:" + env.get("GATEWAY_HTTP_PORT");
      try (ChildJvm suite = ChildJvm.start(SuiteJarEnv.SUITE_JAR, env, dir.resolve("suite.log"))) {
        awaitReady(suite, env, gw);
        createTenant(gw, "acme");
        awaitCheckpointCovering(gw, append(gw, "acme", "acme-user"));

        pg.close();
        String ready = "http://127.0.0.1:" + env.get("GATEWAY_MANAGEMENT_PORT") + "/ready";
        assertEquals(503, Http.await(ready, Duration.ofSeconds(15), r -> r.statusCode() == 503).statusCode(),
            "the gateway still reports ready without its database:\n" + suite.output());

        Cli down = cli(dir, Map.of(), "evidence-pack", "--base-url", gw, "--org", "acme", "--token", ADMIN_KEY,
            "--out", dir.resolve("down").toString(), "--timeout", "20");
        assertEquals(3, down.exit, down.toString());
        assertEquals(1, down.failures().size(), down.toString());
        String line = down.failures().get(0);
        // the gateway's own pool failure is 503 db.unavailable (audit-service's, seen through the bus, audit.unavailable)
        assertTrue(line.matches(".*answered 503 (db|audit)\\.unavailable to GET .*"), down.toString());
        assertTrue(line.matches(".*\\(request id [A-Za-z0-9._:-]+\\)$"), down.toString());
        assertFalse(down.err.contains("Exception") || down.err.contains("\tat "), down.toString());
        assertFalse(Files.exists(dir.resolve("down")));
      }
    } finally {
      pg.close();
    }
  }

  // ---- the suite ----

  private Map<String, String> suiteEnv(String databaseUrl) {
    return SuiteJarEnv.of(databaseUrl, ADMIN_KEY, dir.resolve("data"));
  }

  private static void awaitReady(ChildJvm suite, Map<String, String> env, String gw) {
    SuiteJarEnv.awaitStarted(suite, env);
    Http.await(gw + "/v1/audit/keys", Duration.ofSeconds(30), r -> r.statusCode() == 401);
  }

  private static void createTenant(String gw, String id) {
    HttpResponse<String> r = Http.post(gw + "/admin/tenants", new JsonObject().put("id", id).put("name", "Tenant " + id).encode(),
        "Authorization", "Bearer " + ADMIN_KEY, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
  }

  private static long append(String gw, String tenant, String actor) {
    HttpResponse<String> r = Http.post(gw + "/v1/events", new JsonObject().put("actor", actor).put("action", "doc.read")
        .put("outcome", "success").put("tenant", tenant).encode(),
        "Authorization", "Bearer " + ADMIN_KEY, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    return Http.json(r).getLong("index");
  }

  /** Exports stop at the latest checkpoint, so wait until one covers {@code index}. */
  private static void awaitCheckpointCovering(String gw, long index) {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    HttpResponse<String> cp = Http.get(gw + "/v1/audit/checkpoint", "Authorization", "Bearer " + ADMIN_KEY);
    while ((cp.statusCode() != 200 || Long.parseLong(cp.body().split("\n")[1]) <= index) && System.nanoTime() < end) {
      Http.sleep(100);
      cp = Http.get(gw + "/v1/audit/checkpoint", "Authorization", "Bearer " + ADMIN_KEY);
    }
    assertTrue(cp.statusCode() == 200 && Long.parseLong(cp.body().split("\n")[1]) > index, cp.body());
  }

  // ---- what the operator and the auditor see ----

  private void assertManifestMatchesTheFiles(Path pack, String gw) throws Exception {
    assertEquals(FILES, names(pack));
    JsonObject manifest = new JsonObject(Files.readString(pack.resolve("MANIFEST.json")));
    assertEquals("acme", manifest.getString("org"));
    assertEquals(gw, manifest.getString("baseUrl"));
    assertTrue(manifest.getBoolean("verified"));
    Set<String> listed = new TreeSet<>();
    for (Object o : manifest.getJsonArray("files")) {
      JsonObject f = (JsonObject) o;
      byte[] bytes = Files.readAllBytes(pack.resolve(f.getString("name")));
      assertEquals(bytes.length, f.getLong("bytes"), f.encode());
      assertEquals(sha256(bytes), f.getString("sha256"), f.encode());
      listed.add(f.getString("name"));
    }
    Set<String> expected = new TreeSet<>(FILES);
    expected.remove("MANIFEST.json");
    assertEquals(expected, listed);
    JsonArray requests = manifest.getJsonArray("requests");
    assertEquals(List.of("export", "report", "keys"), requests.stream().map(r -> ((JsonObject) r).getString("name")).toList());
    for (Object o : requests) {
      JsonObject r = (JsonObject) o;
      assertEquals(200, r.getInteger("status"));
      assertTrue(r.getString("requestId").matches("[A-Za-z0-9._:-]{1,128}"), r.encode());
    }
    // the export is kept exactly as it was answered
    assertEquals(sha256(Files.readAllBytes(pack.resolve("export.json"))), requests.getJsonObject(0).getString("sha256"));
    assertEquals(new JsonObject(Files.readString(pack.resolve("export.json"))).getString("requestId"),
        requests.getJsonObject(0).getString("requestId"));
  }

  /** Every entry's signed bytes name acme; returns the actors. */
  private static Set<String> assertOnlyAcmesEntries(Path bundle) throws Exception {
    JsonObject b = new JsonObject(Files.readString(bundle));
    assertEquals("bulwark-audit-bundle/v1", b.getString("format"));
    Set<String> actors = new TreeSet<>();
    for (Object o : b.getJsonArray("entries")) {
      JsonObject leaf = new JsonObject(new String(Base64.getDecoder().decode(((JsonObject) o).getString("leaf")),
          StandardCharsets.UTF_8));
      assertEquals("acme", leaf.getString("tenant"), leaf.encode());
      actors.add(leaf.getString("actor"));
    }
    assertFalse(actors.stream().anyMatch(a -> a.startsWith("globex")), actors.toString());
    return actors;
  }

  /** The bundle with one byte of one entry's signed data changed ('a' to 'b' in an actor), the readable copy to match. */
  private static Path tamperOneByte(Path bundle, Path to) throws Exception {
    JsonObject forged = new JsonObject(Files.readString(bundle));
    JsonObject victim = forged.getJsonArray("entries").stream().map(JsonObject.class::cast)
        .filter(e -> new String(Base64.getDecoder().decode(e.getString("leaf")), StandardCharsets.UTF_8).contains("acme-user-2"))
        .findFirst().orElseThrow();
    String changed = new String(Base64.getDecoder().decode(victim.getString("leaf")), StandardCharsets.UTF_8)
        .replace("acme-user-2", "bcme-user-2");
    victim.put("leaf", Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8)))
        .put("entry", new JsonObject(changed));
    return Files.writeString(to, forged.encode());
  }

  private static Set<String> names(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static void assertFailure(Cli r, int exit, String mustContain) {
    assertEquals(exit, r.exit, r.toString());
    assertEquals(1, r.failures().size(), r.toString());
    assertTrue(r.failures().get(0).contains(mustContain), "expected '" + mustContain + "' in: " + r);
    assertFalse(r.err.contains("Exception") || r.err.contains("\tat "), r.toString());
    assertFalse((r.out + r.err).contains(ADMIN_KEY), r.toString());
    assertEquals("", r.out, r.toString());
  }

  private record Cli(int exit, String out, String err) {
    List<String> failures() {
      return err.lines().filter(l -> l.startsWith(PREFIX)).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  /** {@code java -jar bulwark-cli.jar args} in {@code cwd}, with BULWARK_TOKEN only when {@code env} sets it. */
  private Cli cli(Path cwd, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        CLI_JAR.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove(EvidencePackCommand.TOKEN_VARIABLE);
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "cli did not finish");
    return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
