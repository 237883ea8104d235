package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.ledger.SignedNote;
import io.bulwark.ledger.TlogProof;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's ledger procedures, as an operator runs them: the suite jar as its own process, curl-like HTTP calls to
 * {@code /v1/audit/*}, and the CLI jar's {@code verify} on what was exported.
 */
class AuditOperationsIT {
  private static final Path CLI_JAR = Path.of("target/bulwark-cli.jar");
  private static final String ADMIN_KEY = "it-audit-ops-admin-key-0123456789";

  @TempDir
  Path dir;

  @Test
  void operatorVerifiesTheLedgerAndExportsVerifyOffline() throws Exception {
    try (TestPostgres db = TestPostgres.create("audit_ops")) {
      Map<String, String> env = SuiteJarEnv.of(db.databaseUrl(), ADMIN_KEY, dir.resolve("data"));
      String gw = SuiteJarEnv.gateway(env);
      try (ChildJvm suite = ChildJvm.start(SuiteJarEnv.SUITE_JAR, env, dir.resolve("suite.log"))) {
        Http.await("http://127.0.0.1:" + env.get("AUDIT_MANAGEMENT_PORT") + "/ready", Duration.ofSeconds(60), r -> r.statusCode() == 200);
        Http.await(gw + "/v1/audit/keys", Duration.ofSeconds(30), r -> r.statusCode() == 401);

        HttpResponse<String> anonymous = Http.get(gw + "/v1/audit/checkpoint");
        assertEquals(401, anonymous.statusCode());
        assertEquals("auth.missing_credentials", Http.json(anonymous).getString("code"));
        assertNotNull(Http.json(anonymous).getString("requestId"));

        List<Long> indexes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          HttpResponse<String> r = Http.post(gw + "/v1/events", "{\"actor\":\"ops-" + i + "\",\"action\":\"user.login\",\"outcome\":\"success\",\"tenant\":\"acme\"}",
              auth("Content-Type", "application/json"));
          assertEquals(201, r.statusCode(), r.body());
          indexes.add(Http.json(r).getLong("index"));
        }
        long size = indexes.get(indexes.size() - 1) + 1;
        HttpResponse<String> cp = Http.get(gw + "/v1/audit/checkpoint", auth());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((cp.statusCode() != 200 || Long.parseLong(cp.body().split("\n")[1]) < size) && System.nanoTime() < deadline) {
          Http.sleep(100);
          cp = Http.get(gw + "/v1/audit/checkpoint", auth());
        }
        assertEquals(200, cp.statusCode(), cp.body());
        assertTrue(cp.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), cp.headers().toString());

        HttpResponse<String> keysText = Http.get(gw + "/v1/audit/keys", auth());
        assertEquals(200, keysText.statusCode());
        Path keysFile = dir.resolve("trusted.vkeys");
        Files.writeString(keysFile, keysText.body());
        List<VerifierKey> keys = new ArrayList<>();
        for (String line : keysText.body().split("\n")) {
          keys.add(VerifierKey.parse(line));
        }
        Checkpoint checkpoint = Checkpoint.parse(SignedNote.open(cp.body(), keys).body());

        long probe = indexes.get(7);
        HttpResponse<String> proof = Http.get(gw + "/v1/audit/proof/" + probe, auth());
        assertEquals(200, proof.statusCode(), proof.body());
        JsonObject entry = Http.json(Http.get(gw + "/v1/events/" + probe, auth()));
        TlogProof.parse(proof.body()).verify(MerkleHash.leafHash(entry.getString("canonical").getBytes(StandardCharsets.UTF_8)), keys);
        HttpResponse<String> consistency = Http.get(gw + "/v1/audit/consistency?from=5&to=" + checkpoint.size(), auth());
        assertEquals(200, consistency.statusCode(), consistency.body());
        consistency.body().lines().forEach(l -> assertEquals(32, Base64.getDecoder().decode(l).length));

        HttpResponse<String> export = Http.get(gw + "/v1/audit/export?from=0&to=" + checkpoint.size(), auth());
        assertEquals(200, export.statusCode(), export.body());
        assertEquals("no-store", export.headers().firstValue("Cache-Control").orElse(""));
        Path bundle = dir.resolve("bundle.json");
        Files.writeString(bundle, export.body());
        Cli ok = cli("verify", bundle.toString(), "--keys-file", keysFile.toString());
        assertEquals(0, ok.exit, ok.toString());
        assertTrue(new JsonObject(ok.out.strip()).getBoolean("verified"), ok.toString());
        // the same bundle with one entry's bytes changed is caught by the CLI, with the index
        JsonObject forged = new JsonObject(export.body());
        JsonObject victim = forged.getJsonArray("entries").getJsonObject(10);
        String changed = new String(Base64.getDecoder().decode(victim.getString("leaf")), StandardCharsets.UTF_8).replace("success", "failure");
        victim.put("leaf", Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8))).put("entry", new JsonObject(changed));
        Path tampered = dir.resolve("tampered.json");
        Files.writeString(tampered, forged.encode());
        Cli bad = cli("verify", tampered.toString(), "--keys-file", keysFile.toString());
        assertEquals(1, bad.exit, bad.toString());
        JsonObject finding = new JsonObject(bad.out.strip());
        assertEquals("entry-changed", finding.getString("reason"), bad.toString());
        assertEquals(victim.getLong("index"), finding.getLong("index"));

        HttpResponse<String> csv = Http.get(gw + "/v1/audit/export.csv?tenant=acme", auth());
        assertEquals(200, csv.statusCode(), csv.body());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertEquals(41, csv.body().lines().count());

        HttpResponse<String> search = Http.get(gw + "/v1/audit/entries?tenant=acme&actor=ops-3", auth());
        assertEquals(200, search.statusCode(), search.body());
        assertEquals(1, Http.json(search).getJsonArray("entries").size());
        HttpResponse<String> unknownParam = Http.get(gw + "/v1/audit/entries?tenat=acme", auth());
        assertEquals(400, unknownParam.statusCode());
        assertEquals("validation.failed", Http.json(unknownParam).getString("code"));
        assertNotNull(Http.json(unknownParam).getString("requestId"));
        assertEquals(400, Http.get(gw + "/v1/audit/proof/-1", auth()).statusCode());
        HttpResponse<String> notCovered = Http.get(gw + "/v1/audit/proof/999999", auth());
        assertEquals(404, notCovered.statusCode());
        assertEquals("audit.not_covered", Http.json(notCovered).getString("code"));

        HttpResponse<String> verify = Http.post(gw + "/v1/audit/verify", "", auth());
        assertEquals(200, verify.statusCode(), verify.body());
        assertTrue(Http.json(verify).getBoolean("verified"), verify.body());
        assertTrue(Http.json(Http.get(gw + "/v1/audit/verify", auth())).getJsonObject("last").getBoolean("verified"));

        assertEquals("paused", Http.json(Http.post(gw + "/v1/audit/retention/pause", "", auth())).getString("state"));
        assertEquals("paused", Http.json(Http.get(gw + "/v1/audit/retention", auth())).getString("state"));
        assertEquals("idle", Http.json(Http.post(gw + "/v1/audit/retention/resume", "", auth())).getString("state"));
        HttpResponse<String> run = Http.post(gw + "/v1/audit/retention/run", "", auth());
        assertEquals(200, run.statusCode(), run.body());
        assertEquals(0, Http.json(run).getJsonObject("lastRun").getLong("archived"), "nothing is 90 days old yet");

        Cli noKey = cli("verify", bundle.toString());
        assertEquals(2, noKey.exit, noKey.toString());
        assertFalse(noKey.err.contains("Exception"), noKey.toString());
      }
    }
  }

  private static String[] auth(String... more) {
    String[] h = new String[2 + more.length];
    h[0] = "Authorization";
    h[1] = "Bearer " + ADMIN_KEY;
    System.arraycopy(more, 0, h, 2, more.length);
    return h;
  }

  private record Cli(int exit, String out, String err) {}

  private Cli cli(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        CLI_JAR.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cli did not finish");
    return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
