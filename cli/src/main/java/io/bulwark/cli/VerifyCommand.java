package io.bulwark.cli;

import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.NoteException;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark verify}: checks an exported audit bundle or archive segment offline against trusted keys only. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verifies an audit bundle (bulwark-audit-bundle/v1) or archive segment (its .manifest.json or "
        + ".jsonl.gz) offline and prints the result as one JSON object.",
        "Only the keys given here are trusted; keys listed inside the file are ignored."},
    footer = {"", "Exit codes: 0 verified, 1 not verified (tampering or a bad signature), 2 bad input."})
public final class VerifyCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "Bundle JSON, segment manifest or segment .jsonl.gz.")
  private Path file;

  @Option(names = "--key", paramLabel = "VKEY", description = "Trusted verifier key <name>+<keyid>+<base64> (repeatable).")
  private List<String> keys = new ArrayList<>();

  @Option(names = "--keys-file", paramLabel = "FILE",
      description = "File of trusted verifier keys, one per line ('#' starts a comment).")
  private Path keysFile;

  @Override
  public Integer call() {
    List<String> given = new ArrayList<>(keys);
    if (keysFile != null) {
      try {
        for (String line : Files.readAllLines(keysFile, StandardCharsets.UTF_8)) {
          String k = line.strip();
          if (!k.isEmpty() && !k.startsWith("#")) {
            given.add(k);
          }
        }
      } catch (IOException e) {
        return badInput("cannot read keys file " + keysFile + ": " + BulwarkCli.oneLine(e));
      }
    }
    if (given.isEmpty()) {
      return badInput("no trusted key: give --key <vkey> or --keys-file <file>");
    }
    List<VerifierKey> trusted = new ArrayList<>();
    for (String k : given) {
      try {
        trusted.add(VerifierKey.parse(k));
      } catch (NoteException e) {
        return badInput("bad verifier key: " + e.getMessage());
      }
    }
    if (!Files.isRegularFile(file)) {
      return badInput("no such file: " + file);
    }
    VerificationResult r = BundleVerifier.verifyFile(file, trusted);
    spec.commandLine().getOut().println(r.toJson());
    spec.commandLine().getOut().flush();
    if (VerificationResult.MALFORMED_BUNDLE.equals(r.reason())) {
      return badInput("not a verifiable bundle or segment: " + BulwarkCli.singleLine(String.valueOf(r.detail())));
    }
    return r.verified() ? ExitCode.OK : ExitCode.SOFTWARE;
  }

  private int badInput(String message) {
    spec.commandLine().getErr().println("bulwark verify: " + BulwarkCli.singleLine(message));
    spec.commandLine().getErr().flush();
    return ExitCode.USAGE;
  }
}
