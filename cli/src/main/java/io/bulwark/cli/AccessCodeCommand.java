package io.bulwark.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark access-code}: makes a regulator access code and the {@code BULWARK_REGULATOR_ACCESS_CODES} entry that
 * admits it. The code is printed once, for handing to the regulator; the gateway is given only its hash.
 */
@Command(name = "access-code", mixinStandardHelpOptions = true,
    description = {"Makes a random regulator access code and prints it with the entry to add to "
        + "BULWARK_REGULATOR_ACCESS_CODES (<name>:<sha256>).",
        "The code is shown only here: hand it to the regulator over a separate channel; the gateway keeps only the hash."},
    footer = {"", "Exit codes: 0 done, 2 bad input."})
public final class AccessCodeCommand implements Callable<Integer> {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Unambiguous characters only: codes get read out over the phone and typed by hand. */
  private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();

  @Spec
  private CommandSpec spec;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "Whose code this is (1-64 of [A-Za-z0-9._-]); the ledger attributes each login to regulator:NAME.")
  private String name;

  @Override
  public Integer call() {
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      spec.commandLine().getErr().println("bulwark access-code: --name must be 1-64 of letters, digits, '.', '_' and '-'");
      return ExitCode.USAGE;
    }
    StringBuilder code = new StringBuilder();
    for (int group = 0; group < 6; group++) {
      if (group > 0) {
        code.append('-');
      }
      for (int i = 0; i < 5; i++) {
        code.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
      }
    }
    var out = spec.commandLine().getOut();
    out.println("access code (give it to the regulator; it is not stored anywhere): " + code);
    out.println("add to BULWARK_REGULATOR_ACCESS_CODES: " + name + ":" + sha256Hex(code.toString()));
    out.flush();
    return ExitCode.OK;
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
