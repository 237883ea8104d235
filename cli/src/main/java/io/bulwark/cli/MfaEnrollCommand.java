package io.bulwark.cli;

import io.vertx.ext.auth.otp.OtpKey;
import io.vertx.ext.auth.otp.totp.TotpAuth;
import io.vertx.ext.auth.otp.totp.TotpAuthOptions;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark mfa enroll}: makes a random TOTP secret for an operator, bound to the fingerprint of the operator's
 * admin key, and prints it, its {@code otpauth://} URI (for an authenticator app) and the {@code BULWARK_MFA_TOTP}
 * entry. The secret is shown only here; nothing is stored.
 */
@Command(name = "enroll", mixinStandardHelpOptions = true,
    description = {"Makes a random TOTP secret (160 bits, RFC 6238: SHA-1, 6 digits, 30 s) for an operator and prints "
        + "the otpauth:// URI to add to an authenticator app and the entry to add to BULWARK_MFA_TOTP "
        + "(<operator>:<admin-key-fingerprint>:<base32 secret>, comma separated).",
        "The admin key is named by its fingerprint (the first 12 hex characters of its SHA-256, as the ledger shows it), "
            + "or given in BULWARK_TOKEN and fingerprinted here. The secret is shown only now: the gateway's "
            + "configuration is the only other place it lives."},
    footer = {"", "Environment:", "  BULWARK_TOKEN  the operator's admin key, when --admin-key-fingerprint is not given.",
        "", "Exit codes: 0 done, 2 bad input."})
public final class MfaEnrollCommand implements Callable<Integer> {
  /** What {@code BULWARK_MFA_TOTP} expects; the gateway refuses anything else at start-up. */
  static final String SETTING = "BULWARK_MFA_TOTP";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
  private final Map<String, String> environment;

  @Spec
  private CommandSpec spec;

  @Option(names = "--operator", required = true, paramLabel = "NAME",
      description = "The operator's name (1-64 of [A-Za-z0-9._-]); the ledger records it with each resolve.")
  private String operator;

  @Option(names = "--admin-key-fingerprint", paramLabel = "FP",
      description = "The fingerprint (12 hex characters) of the operator's admin key.")
  private String fingerprint;

  @Option(names = "--issuer", defaultValue = "Bulwark", paramLabel = "NAME",
      description = "The name the authenticator app shows (default: ${DEFAULT-VALUE}).")
  private String issuer;

  public MfaEnrollCommand() {
    this(System.getenv());
  }

  MfaEnrollCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    if (!operator.matches("[A-Za-z0-9._-]{1,64}")) {
      err.println("bulwark mfa enroll: --operator must be 1-64 of letters, digits, '.', '_' and '-'");
      return ExitCode.USAGE;
    }
    if (!issuer.matches("[A-Za-z0-9 ._-]{1,64}")) {
      err.println("bulwark mfa enroll: --issuer must be 1-64 of letters, digits, spaces, '.', '_' and '-'");
      return ExitCode.USAGE;
    }
    String fp;
    if (fingerprint != null) {
      fp = fingerprint.toLowerCase(Locale.ROOT);
      if (!fp.matches("[0-9a-f]{12}")) {
        err.println("bulwark mfa enroll: --admin-key-fingerprint must be 12 hex characters (as the ledger shows admin:<fp>)");
        return ExitCode.USAGE;
      }
    } else {
      String key = environment.get("BULWARK_TOKEN");
      if (key == null || key.isBlank()) {
        err.println("bulwark mfa enroll: give --admin-key-fingerprint, or the admin key in BULWARK_TOKEN");
        return ExitCode.USAGE;
      }
      fp = AccessCodeCommand.sha256Hex(key.trim()).substring(0, 12);
    }
    byte[] raw = new byte[20];
    RANDOM.nextBytes(raw);
    String secret = base32(raw);
    String uri = TotpAuth.create(new TotpAuthOptions()).generateUri(new OtpKey().setKey(secret).setAlgorithm("SHA1"), issuer,
        operator, issuer + ":" + operator);
    var out = spec.commandLine().getOut();
    out.println("operator " + operator + ", admin key " + fp);
    out.println("otpauth URI (add it to the operator's authenticator app, e.g. as a QR code; it holds the secret): " + uri);
    out.println("add to " + SETTING + ": " + operator + ":" + fp + ":" + secret);
    out.flush();
    return ExitCode.OK;
  }

  /** RFC 4648 base32 without padding (20 bytes make exactly 32 characters). */
  static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }
}
