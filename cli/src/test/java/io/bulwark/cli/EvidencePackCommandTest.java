package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bulwark evidence-pack} without a gateway: what the operator sees for bad input (exit 2) and for a gateway that
 * is not there (exit 3): one line each, no stack trace, no token, and no folder left behind.
 */
class EvidencePackCommandTest {
  private static final String TOKEN = "unit-secret-admin-key-0123456789";
  private static final String PREFIX = "bulwark evidence-pack: ";

  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {
    List<String> errLines() {
      return err.isBlank() ? List.of() : List.of(err.strip().split("\\R"));
    }

    /** The failure lines (progress lines are the others). */
    List<String> failures() {
      return errLines().stream().filter(l -> l.startsWith(PREFIX)).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  /** Through the real command tree, as {@code java -jar bulwark-cli.jar evidence-pack ...} runs it. */
  private static Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("evidence-pack"));
    all.addAll(List.of(args));
    return execute(BulwarkCli.commandLine(), all.toArray(String[]::new));
  }

  /** The command alone, with a chosen environment (so BULWARK_TOKEN of the machine running the tests cannot leak in). */
  private static Run runWithEnvironment(Map<String, String> env, String... args) {
    return execute(new CommandLine(new EvidencePackCommand(env)), args);
  }

  private static Run execute(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static void assertOneFailureLine(Run r, int exit, String mustContain) {
    assertEquals(exit, r.exit(), r.toString());
    assertEquals(1, r.failures().size(), r.toString());
    assertTrue(r.failures().get(0).contains(mustContain), "expected '" + mustContain + "' in: " + r);
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.toString());
    assertFalse((r.out() + r.err()).contains(TOKEN), "the token was printed: " + r);
    assertEquals("", r.out(), r.toString());
  }

  @Test
  void aMissingTokenIsBadInput() {
    Run r = runWithEnvironment(Map.of(), "--base-url", "http://127.0.0.1:8080", "--org", "acme",
        "--out", dir.resolve("pack").toString());
    assertOneFailureLine(r, 2, "no admin key: give --token or set BULWARK_TOKEN");
    assertEquals(1, r.errLines().size(), r.toString());
    assertFalse(Files.exists(dir.resolve("pack")));
  }

  @Test
  void badBaseUrlsAreBadInput() {
    for (String bad : new String[] {"not a url", "ftp://127.0.0.1:8080", "127.0.0.1:8080", "http://",
        "http://admin:pw@127.0.0.1:8080", "http://127.0.0.1:8080/?tenant=x", ""}) {
      Run r = run("--base-url", bad, "--org", "acme", "--token", TOKEN, "--out", dir.resolve("pack").toString());
      assertOneFailureLine(r, 2, "--base-url");
      assertEquals(1, r.errLines().size(), bad + " -> " + r);
    }
    assertOneFailureLine(run("--org", "acme", "--token", TOKEN), 2, "--base-url is required");
  }

  @Test
  void aMissingOrMalformedOrgIsBadInput() {
    assertOneFailureLine(run("--base-url", "http://127.0.0.1:8080", "--token", TOKEN), 2, "--org is required");
    for (String bad : new String[] {"Acme", "a", "acme/../../etc", "acme?x=1"}) {
      Run r = run("--base-url", "http://127.0.0.1:8080", "--org", bad, "--token", TOKEN);
      assertOneFailureLine(r, 2, "is not a tenant id");
    }
  }

  @Test
  void anExistingNonEmptyFolderIsRefusedAndLeftAsItWas() throws IOException {
    Path existing = Files.createDirectories(dir.resolve("evidence"));
    Path earlier = Files.writeString(existing.resolve("export.json"), "{\"earlier\":true}");
    // a closed port: if the command went on to fetch, the exit would be 3, not 2
    Run r = run("--base-url", "http://127.0.0.1:" + closedPort(), "--org", "acme", "--token", TOKEN,
        "--out", existing.toString());
    assertOneFailureLine(r, 2, existing + " exists and is not empty");
    assertEquals(1, r.errLines().size(), r.toString());
    assertEquals("{\"earlier\":true}", Files.readString(earlier));
    try (Stream<Path> files = Files.list(existing)) {
      assertEquals(1, files.count());
    }
    Path aFile = Files.writeString(dir.resolve("not-a-folder"), "x");
    assertOneFailureLine(run("--base-url", "http://127.0.0.1:8080", "--org", "acme", "--token", TOKEN,
        "--out", aFile.toString()), 2, "is not a folder");
  }

  @Test
  void anUnreadableOrEmptyKeysFileIsBadInput() throws IOException {
    String[] common = {"--base-url", "http://127.0.0.1:" + closedPort(), "--org", "acme", "--token", TOKEN,
        "--out", dir.resolve("pack").toString()};
    Run missing = run(concat(common, "--keys-file", dir.resolve("absent.vkeys").toString()));
    assertOneFailureLine(missing, 2, "cannot read --keys-file");
    Path empty = Files.writeString(dir.resolve("empty.vkeys"), "# nothing trusted yet\n\n");
    assertOneFailureLine(run(concat(common, "--keys-file", empty.toString())), 2, "holds no verifier key");
    Path garbage = Files.writeString(dir.resolve("bad.vkeys"), "not-a-key\n");
    assertOneFailureLine(run(concat(common, "--keys-file", garbage.toString())), 2, "has a bad verifier key");
  }

  @Test
  void aTimeoutOutOfRangeIsBadInput() {
    assertOneFailureLine(run("--base-url", "http://127.0.0.1:8080", "--org", "acme", "--token", TOKEN,
        "--timeout", "0"), 2, "--timeout must be 1 to 3600 seconds");
  }

  @Test
  void aGatewayThatIsNotThereIsOneLineWithItsAddressAndExitThree() throws IOException {
    int port = closedPort();
    Path out = dir.resolve("pack");
    Run r = run("--base-url", "http://127.0.0.1:" + port, "--org", "acme", "--token", TOKEN, "--out", out.toString(),
        "--timeout", "5");
    assertOneFailureLine(r, 3, "127.0.0.1:" + port);
    assertTrue(r.failures().get(0).startsWith(PREFIX + "cannot reach the gateway at 127.0.0.1:" + port), r.toString());
    assertTrue(r.failures().get(0).endsWith("connection refused"), r.toString());
    assertTrue(r.errLines().get(r.errLines().size() - 1).startsWith(PREFIX), "the failure is the last line: " + r);
    assertNothingWritten();
  }

  @Test
  void theTokenMayComeFromTheEnvironmentAndIsNeverShown() throws IOException {
    int port = closedPort();
    Run r = runWithEnvironment(Map.of(EvidencePackCommand.TOKEN_VARIABLE, TOKEN), "--base-url",
        "http://localhost:" + port + "/", "--org", "acme", "--out", dir.resolve("pack").toString());
    // exit 3, not 2: the token was found, and the command went on to the (absent) gateway
    assertOneFailureLine(r, 3, "localhost:" + port);
    assertNothingWritten();
  }

  @Test
  void helpNamesTheEnvironmentVariableAndTheExitCodes() {
    StringWriter out = new StringWriter();
    int exit = BulwarkCli.commandLine().setOut(new PrintWriter(out, true)).execute("evidence-pack", "--help");
    assertEquals(0, exit);
    String help = out.toString();
    assertTrue(help.contains("BULWARK_TOKEN"), help);
    assertTrue(help.contains("--keys-file") && help.contains("--timeout") && help.contains("--out"), help);
    assertTrue(help.contains("3 the gateway is unreachable"), help);
  }

  private void assertNothingWritten() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "a failed run leaves nothing behind");
    }
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  /** A port nothing listens on (bound, then released). */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
