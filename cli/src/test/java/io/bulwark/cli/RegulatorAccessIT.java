package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The runbook's regulator procedure end to end: {@code bulwark access-code} makes a code and its config entry, the suite
 * jar runs with that entry, the regulator logs in with the code and reads, and writes are refused. The code and the
 * token never reach the suite's log.
 */
class RegulatorAccessIT {
  private static final Pattern CODE = Pattern.compile("access code [^:]*: (\\S+)");
  private static final Pattern ENTRY = Pattern.compile("BULWARK_REGULATOR_ACCESS_CODES: (\\S+)");

  @TempDir
  Path dir;

  @Test
  void aCodeMadeByTheCliOpensTheReadOnlyPortal() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = BulwarkCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertEquals(0, cli.execute("access-code", "--name", "fca"));
    Matcher code = CODE.matcher(out.toString());
    Matcher entry = ENTRY.matcher(out.toString());
    assertTrue(code.find() && entry.find(), out.toString());
    assertEquals("fca:" + AccessCodeCommand.sha256Hex(code.group(1)), entry.group(1));

    try (TestPostgres db = TestPostgres.create("regulator_access")) {
      Map<String, String> env = SuiteJarEnv.of(db.databaseUrl(), "it-audit-ops-admin-key-0123456789", dir.resolve("data"));
      env.put("BULWARK_REGULATOR_ACCESS_CODES", entry.group(1));
      String gw = SuiteJarEnv.gateway(env);
      Path log = dir.resolve("suite.log");
      String token;
      try (ChildJvm suite = ChildJvm.start(SuiteJarEnv.SUITE_JAR, env, log)) {
        Http.await("http://127.0.0.1:" + env.get("GATEWAY_MANAGEMENT_PORT") + "/ready", Duration.ofSeconds(60),
            r -> r.statusCode() == 200);
        assertEquals("enabled", Http.json(Http.get(gw + "/regulator/health")).getString("portal"));
        HttpResponse<String> wrong = login(gw, code.group(1) + "x");
        assertEquals(401, wrong.statusCode(), wrong.body());
        HttpResponse<String> ok = login(gw, code.group(1));
        assertEquals(200, ok.statusCode(), ok.body());
        token = Http.json(ok).getString("token");
        HttpResponse<String> report = Http.get(gw + "/regulator/report", "Authorization", "Bearer " + token);
        assertEquals(200, report.statusCode(), report.body());
        assertEquals("bulwark-compliance-report/v1", Http.json(report).getString("format"));
        HttpResponse<String> write = Http.send(HttpRequest.newBuilder(URI.create(gw + "/admin/tenants"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"acme\"}")), "Authorization", "Bearer " + token,
            "Content-Type", "application/json");
        assertEquals(403, write.statusCode(), write.body());
        assertEquals("auth.read_only", Http.json(write).getString("code"));
      }
      String written = Files.readString(log);
      assertTrue(written.contains("regulator.login"), "the login is logged (without secrets)");
      assertFalse(written.contains(code.group(1)), "the access code must not be logged");
      assertFalse(written.contains(token), "the token must not be logged");
    }
  }

  private static HttpResponse<String> login(String gw, String code) {
    return Http.post(gw + "/regulator/login", new JsonObject().put("accessCode", code).encode(), "Content-Type", "application/json");
  }
}
