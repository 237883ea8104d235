package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs in the last module of the build and reads what every earlier module's tests wrote (the services' log lines
 * included): no tenant key, generated admin key, JWT or fixed test secret may appear anywhere in it.
 */
class NoSecretsInLogsIT {
  /** Secrets with a recognisable shape: tenant keys, generated admin keys, regulator tokens, signed JWTs. */
  private static final Pattern SHAPED = Pattern.compile(
      "bwt_[a-z0-9]{12}_[A-Za-z0-9_-]{43}|bwk_admin_[A-Za-z0-9_-]{43}|bwr_[A-Za-z0-9_-]{43}|eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}");
  /** The fixed secrets the test suites configure (admin keys, a JWT signing secret, an access code, a backup key). */
  private static final List<String> FIXED = List.of("it-admin-key-current-0123456789", "it-admin-key-previous-0123456789",
      "it-cluster-admin-key-0123456789", "it-failover-admin-key-0123456789", "it-shutdown-admin-key-0123456789",
      "it-audit-ops-admin-key-0123456789", "first-admin-key-0123456789abcdef", "second-admin-key-fedcba9876543210",
      "it-jwt-secret-0123456789abcdef0123456789", "it-regulator-access-code-7f3a9c2e51",
      "it-evidence-pack-admin-key-0123456789", "unit-backup-admin-key-0123456789", "it-cli-backup-admin-key-0123456789",
      // backup encryption keys of BackupRestoreIT, BackupFailuresIT and BackupCommandIT, as configured (base64)
      "aXQtYmFja3VwLWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=", "aXQtYmFja3VwLWtleS1vbmUtMDEyMzQ1Njc4OWFiY2Q=",
      "aXQtYmFja3VwLWtleS10d28tMDEyMzQ1Njc4OWFiY2Q=", "aXQtY2xpLWJhY2t1cC1rZXktMDEyMzQ1Njc4OWFiY2Q=",
      // admin keys and TOTP secrets (raw and base32) of the gateway's alert ITs, TotpVerifierTest and MfaEnrollCommandTest
      "alert-it-admin-key-0123456789abcdef", "alert-it-other-admin-key-0123456789", "alert-it-bob-admin-key-0123456789abcd",
      "alert-it-carol-admin-key-0123456789ab", "CarolItTotpSecret!!!", "INQXE33MJF2FI33UOBJWKY3SMV2CCIJB",
      "AlertItTotpSecret!!!", "IFWGK4TUJF2FI33UOBJWKY3SMV2CCIJB", "BobsItTotpSecret!!!!", "IJXWE42JORKG65DQKNSWG4TFOQQSCIJB",
      "12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "JBSWY3DPEHPK3PXP", "mfa-unit-admin-key-0123456789abcdef",
      // alert-service: webhook signing secrets, a PagerDuty routing key, the intake token, the suite's operator TOTP secret
      "it-notify-webhook-secret-new-0123456789", "it-notify-webhook-secret-old-0123456789",
      "it-notify-pd-routing-key-0123456789", "it-intake-token-5f1c0d", "it-restart-webhook-secret-0123456789",
      "it-ops-webhook-secret-0123456789", "OPSITTOTPSECRETAAAAAAAAAAAAAAAAA");

  @Test
  void noTestRunWroteASecretToItsOutput() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> outputs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root, 4)) {
      files.filter(p -> p.toString().contains("/target/") && p.getFileName().toString().endsWith("-output.txt"))
          .forEach(outputs::add);
    }
    assertTrue(outputs.size() >= 5, "this test reads the other modules' test output under */target/*-reports; run the"
        + " whole build (./mvnw verify), not this module alone: " + outputs);
    List<String> leaks = new ArrayList<>();
    long bytes = 0;
    for (Path p : outputs) {
      String text = Files.readString(p);
      bytes += text.length();
      Matcher m = SHAPED.matcher(text);
      if (m.find()) {
        leaks.add(root.relativize(p) + ": " + m.group().substring(0, 12) + "...");
      }
      for (String secret : FIXED) {
        if (text.contains(secret)) {
          leaks.add(root.relativize(p) + ": " + secret.substring(0, 12) + "...");
        }
      }
    }
    System.out.printf("scanned %d test output files, %d characters%n", outputs.size(), bytes);
    assertTrue(leaks.isEmpty(), "secrets in test output: " + leaks);
  }
}
