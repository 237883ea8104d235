package io.bulwark.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.ledger.NoteException;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.BuildInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark evidence-pack}: fetches one org's export and compliance report from the gateway, verifies the audit
 * bundle and checkpoint in it offline, and leaves a folder an auditor can check again without the gateway.
 */
@Command(name = "evidence-pack", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fetches GET /admin/export/ORG and GET /compliance/report?tenant=ORG in parallel, then the verifier "
        + "keys (GET /v1/audit/keys, unless --keys-file gives the trusted ones), verifies the org's audit bundle and "
        + "signed checkpoint offline and writes everything, with a MANIFEST.json of SHA-256 sums and request ids, into "
        + "a new folder.",
        "Progress goes to stderr; the folder and the verdict to stdout."},
    footer = {"", "Environment:", "  BULWARK_TOKEN  the admin key when --token is not given (keeps it out of the process "
        + "list and shell history).",
        "", "Exit codes: 0 fetched and verified; 1 fetched but not verified (the folder is kept, verification.json says "
        + "why) or an answer could not be used; 2 bad input (arguments, an existing non-empty folder, or a 3xx/4xx "
        + "answer such as 401, 403, 404); 3 the gateway is unreachable or timed out, or answered 5xx (e.g. 503 "
        + "db.unavailable or audit.unavailable): try again when it is back."})
public final class EvidencePackCommand implements Callable<Integer> {
  static final String TOKEN_VARIABLE = GatewayOptions.TOKEN_VARIABLE;
  private static final String PREFIX = "bulwark evidence-pack: ";
  // the gateway's tenant id rule; checked here too because ORG also names the default folder
  private static final String ORG_ID = "[a-z0-9][a-z0-9-]{1,62}";
  private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final Map<String, String> environment;

  @Spec
  private CommandSpec spec;

  @Option(names = "--base-url", paramLabel = "URL", description = "The gateway's traffic URL (required), e.g. "
      + "http://127.0.0.1:8080.")
  private String baseUrl;

  @Option(names = "--org", paramLabel = "ORG", description = "The tenant id (required), e.g. acme.")
  private String org;

  @Option(names = "--token", paramLabel = "TOKEN", description = "An admin key, sent as Authorization: Bearer. "
      + "Default: the environment variable " + TOKEN_VARIABLE + ". Never printed.")
  private String token;

  @Option(names = "--out", paramLabel = "DIR", description = "The folder to create (must not exist or be empty). "
      + "Default: ./evidence-ORG-<UTC time>.")
  private Path out;

  @Option(names = "--keys-file", paramLabel = "FILE", description = "Trusted verifier keys, one per line ('#' starts a "
      + "comment); then only these are trusted and the gateway's keys are not asked for.")
  private Path keysFile;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Time limit of each request (default: ${DEFAULT-VALUE}).")
  private int timeoutSeconds;

  public EvidencePackCommand() {
    this(System.getenv());
  }

  /** For tests: the environment the token falls back to. */
  EvidencePackCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  /** What the command was asked to do, validated before anything is fetched. */
  private record Request(URI base, String org, String token, Path target, List<VerifierKey> fileKeys,
      Duration timeout) {}

  @Override
  public Integer call() {
    try {
      // one clock reading names the default folder and dates the manifest, so the two never disagree
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      return run(validate(now), now);
    } catch (CommandFailure f) {
      err().println(PREFIX + BulwarkCli.singleLine(f.getMessage()));
      err().flush();
      return f.exitCode();
    }
  }

  private int run(Request r, Instant created) throws CommandFailure {
    GatewayClient gateway = new GatewayClient("evidence", r.base(), r.token(), r.timeout());
    String exportPath = "/admin/export/" + r.org();
    String reportPath = "/compliance/report?tenant=" + r.org();
    progress("fetching export and report of " + r.org() + " from " + gateway.authority() + "...");
    // both start before either is awaited: the two reads run in parallel
    CompletableFuture<GatewayClient.Answer> exportCall = gateway.get("export", exportPath, "application/json");
    CompletableFuture<GatewayClient.Answer> reportCall = gateway.get("report", reportPath, "application/json");
    GatewayClient.Answer export = null;
    GatewayClient.Answer report = null;
    CommandFailure failed = null;
    try {
      export = gateway.await(exportCall);
    } catch (CommandFailure f) {
      failed = f;
    }
    try {
      report = gateway.await(reportCall);
    } catch (CommandFailure f) {
      failed = failed == null ? f : CommandFailure.mostTelling(failed, f);
    }
    if (failed != null) {
      throw failed;
    }
    progress("fetched export (" + export.body().length + " bytes, request id " + export.requestId() + ") and report ("
        + report.body().length + " bytes, request id " + report.requestId() + ")");

    OrgExport parts;
    try {
      parts = OrgExport.parse(export.body(), r.org());
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(CommandFailure.INCOMPLETE, "the export of " + r.org() + " (request id "
          + export.requestId() + ") is not a usable " + OrgExport.FORMAT + ": " + e.getMessage());
    }
    if (!OrgExport.FORMAT.equals(parts.format())) {
      progress("note: the export says its format is " + parts.format() + ", this command knows " + OrgExport.FORMAT);
    }

    List<VerifierKey> keys = r.fileKeys();
    String keysSource = "keys-file";
    GatewayClient.Answer keysAnswer = null;
    if (keys == null) {
      progress("fetching verifier keys (pass --keys-file to trust keys kept apart from this gateway)...");
      keysAnswer = gateway.await(gateway.get("keys", "/v1/audit/keys", "text/plain"));
      keys = parseKeys(new String(keysAnswer.body(), StandardCharsets.UTF_8), "the gateway's /v1/audit/keys (request id "
          + keysAnswer.requestId() + ")", CommandFailure.INCOMPLETE);
      keysSource = "gateway";
    } else {
      progress("trusting " + keys.size() + " key(s) from " + keysFile);
    }

    try (EvidenceFolder folder = EvidenceFolder.stage(r.target())) {
      folder.write("export.json", export.body());
      folder.write("report.json", report.body());
      folder.write("audit-bundle.json", parts.auditBundle());
      folder.write("checkpoint.txt", parts.checkpoint().getBytes(StandardCharsets.UTF_8));
      folder.write("keys.txt", keysText(keys, keysSource, created).getBytes(StandardCharsets.UTF_8));

      progress("verifying " + parts.scope().entries() + " entries and the checkpoint...");
      Path bundle = folder.stagingFile("audit-bundle.json");
      PackVerification verification = PackVerification.run(bundle, parts.checkpoint(), keys, parts, r.org(), keysSource);
      folder.writeJson("verification.json", verification.toJson());

      ObjectNode manifest = EvidenceFolder.JSON.createObjectNode();
      manifest.put("format", "bulwark-evidence-folder/v1");
      manifest.put("command", "bulwark evidence-pack");
      manifest.put("version", BuildInfo.version());
      manifest.put("baseUrl", r.base().toString());
      manifest.put("org", r.org());
      manifest.put("createdAt", created.toString());
      manifest.put("verified", verification.verified());
      ObjectNode keyInfo = manifest.putObject("keys").put("source", keysSource).put("count", keys.size());
      keyInfo.put("file", keysFile == null ? null : keysFile.toAbsolutePath().toString());
      ArrayNode requests = manifest.putArray("requests");
      record(requests, "export", gateway, export);
      record(requests, "report", gateway, report);
      if (keysAnswer != null) {
        record(requests, "keys", gateway, keysAnswer);
      }
      Path done = folder.publish(manifest);
      progress("wrote " + folder.fileCount() + " files to " + done);
      out().println(done);
      out().println(verification.verdict());
      out().flush();
      return verification.verified() ? ExitCode.OK : CommandFailure.INCOMPLETE;
    } catch (IOException e) {
      throw new CommandFailure(CommandFailure.INCOMPLETE, "cannot write " + r.target() + ": " + BulwarkCli.oneLine(e));
    }
  }

  private Request validate(Instant now) throws CommandFailure {
    URI base = GatewayOptions.baseUrl(baseUrl);
    if (org == null || org.isBlank()) {
      throw badInput("--org is required (the tenant id, e.g. acme)");
    }
    if (!org.matches(ORG_ID)) {
      throw badInput("--org '" + org + "' is not a tenant id (2-63 of a-z, 0-9 and -, not starting with -)");
    }
    String credential = GatewayOptions.adminKey(token, environment);
    if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
      throw badInput("--timeout must be 1 to 3600 seconds, not " + timeoutSeconds);
    }
    Path target = out != null ? out : Path.of("evidence-" + org + "-" + FOLDER_TIME.format(now));
    EvidenceFolder.checkTarget(target);
    List<VerifierKey> fileKeys = null;
    if (keysFile != null) {
      String text;
      try {
        text = Files.readString(keysFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw badInput("cannot read --keys-file " + keysFile + ": " + BulwarkCli.oneLine(e));
      }
      fileKeys = parseKeys(text, "--keys-file " + keysFile, CommandFailure.BAD_INPUT);
    }
    return new Request(base, org, credential, target, fileKeys, Duration.ofSeconds(timeoutSeconds));
  }

  private static List<VerifierKey> parseKeys(String text, String where, int exitCode) throws CommandFailure {
    List<VerifierKey> keys = new ArrayList<>();
    for (String line : text.split("\n")) {
      String k = line.strip();
      if (k.isEmpty() || k.startsWith("#")) {
        continue;
      }
      try {
        keys.add(VerifierKey.parse(k));
      } catch (NoteException e) {
        throw new CommandFailure(exitCode, where + " has a bad verifier key: " + e.getMessage());
      }
    }
    if (keys.isEmpty()) {
      throw new CommandFailure(exitCode, where + " holds no verifier key");
    }
    return keys;
  }

  /** keys.txt, readable by {@code bulwark verify --keys-file}; the comment says where the trust came from. */
  private String keysText(List<VerifierKey> keys, String source, Instant at) {
    StringBuilder b = new StringBuilder("# verifier keys used for this pack, from ")
        .append("gateway".equals(source) ? "the gateway's /v1/audit/keys" : "--keys-file " + keysFile.getFileName())
        .append(" at ").append(at).append('\n');
    keys.forEach(k -> b.append(k.encode()).append('\n'));
    return b.toString();
  }

  private static void record(ArrayNode requests, String name, GatewayClient gateway, GatewayClient.Answer a) {
    requests.addObject().put("name", name).put("method", "GET").put("url", gateway.url(a.path()).toString())
        .put("status", a.status()).put("requestId", a.requestId()).put("bytes", a.body().length)
        .put("sha256", EvidenceFolder.sha256(a.body()));
  }

  private static CommandFailure badInput(String message) {
    return new CommandFailure(CommandFailure.BAD_INPUT, message);
  }

  private void progress(String line) {
    err().println(line);
    err().flush();
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
