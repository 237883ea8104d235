package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.ext.auth.otp.OtpKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MfaEnrollCommandTest {
  private static String[] run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  private static String[] run(String... args) {
    return run(BulwarkCli.commandLine(), args);
  }

  @Test
  void printsAUriAndAConfigLineOfTheSameFreshBase32Secret() {
    String[] r = run("mfa", "enroll", "--operator", "alice", "--admin-key-fingerprint", "0123456789AB");
    assertEquals("0", r[0], r[2]);
    String line = r[1].lines().filter(l -> l.startsWith("add to BULWARK_MFA_TOTP: ")).findFirst().orElseThrow();
    String[] entry = line.substring("add to BULWARK_MFA_TOTP: ".length()).split(":");
    assertEquals(3, entry.length, line);
    assertEquals("alice", entry[0]);
    assertEquals("0123456789ab", entry[1]);
    String secret = entry[2];
    assertTrue(secret.matches("[A-Z2-7]{32}"), "160 bits in base32 without padding: " + secret.length());
    assertEquals(20, new OtpKey().setKey(secret).getKeyBytes().length);

    String uriText = r[1].lines().filter(l -> l.contains("otpauth://")).findFirst().orElseThrow().replaceAll(".*?(otpauth://)", "$1");
    URI uri = URI.create(uriText);
    assertEquals("otpauth", uri.getScheme());
    assertEquals("totp", uri.getHost());
    assertEquals("/Bulwark:alice", URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8));
    Map<String, String> q = new HashMap<>();
    for (String p : uri.getRawQuery().split("&")) {
      String[] kv = p.split("=", 2);
      q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    assertEquals(secret, q.get("secret"));
    assertEquals("Bulwark", q.get("issuer"));
    assertTrue(!q.containsKey("period") || "30".equals(q.get("period")), uriText);
    assertTrue(!q.containsKey("digits") || "6".equals(q.get("digits")), uriText);

    String again = run("mfa", "enroll", "--operator", "alice", "--admin-key-fingerprint", "0123456789ab")[1];
    assertNotEquals(r[1], again, "each enrolment gets its own secret");
  }

  @Test
  void theFingerprintCanComeFromTheAdminKeyInTheEnvironment() {
    String key = "mfa-unit-admin-key-0123456789abcdef";
    String[] r = run(new CommandLine(new MfaEnrollCommand(Map.of("BULWARK_TOKEN", key))), "--operator", "bob");
    assertEquals("0", r[0], r[2]);
    String fp = AccessCodeCommand.sha256Hex(key).substring(0, 12);
    assertTrue(r[1].contains("bob:" + fp + ":"), r[1]);
    assertTrue(!r[1].contains(key), "the admin key itself is not printed");
  }

  @Test
  void base32IsRfc4648() {
    assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", MfaEnrollCommand.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("MZXW6YQ", MfaEnrollCommand.base32("foob".getBytes(StandardCharsets.US_ASCII)));
    byte[] raw = new byte[20];
    new java.util.Random(7).nextBytes(raw);
    assertArrayEquals(raw, new OtpKey().setKey(MfaEnrollCommand.base32(raw)).getKeyBytes());
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    for (String[] args : new String[][] {{"mfa", "enroll", "--operator", "not a name", "--admin-key-fingerprint", "0123456789ab"},
        {"mfa", "enroll", "--operator", "alice", "--admin-key-fingerprint", "xyz"}, {"mfa", "enroll"}, {"mfa"}}) {
      String[] r = run(args);
      assertEquals("2", r[0], String.join(" ", args));
      assertTrue(r[2].startsWith("bulwark mfa") || r[2].contains("Missing required option"), r[2]);
    }
    String[] noKey = run(new CommandLine(new MfaEnrollCommand(Map.of())), "--operator", "alice");
    assertEquals("2", noKey[0]);
    assertEquals(1, noKey[2].strip().lines().count(), noKey[2]);
  }
}
