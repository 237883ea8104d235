package io.bulwark.backup;

import io.bulwark.backup.catalog.BackupCatalog;
import io.bulwark.backup.storage.BackupStorage;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The catalog lives in the database it backs up: after that database is lost, a backup-service started on a new one
 * finds the backups in storage by their manifests and lists them again (trigger {@code imported}), so they can be
 * verified, drilled and restored. An imported backup has no catalog record to check its manifest against: its drill
 * trusts the manifest's verifier keys, which the operator should compare with keys kept elsewhere.
 */
final class StorageImport {
  private static final Logger LOG = LoggerFactory.getLogger(StorageImport.class);
  private static final String SUFFIX = ".manifest.json";

  private StorageImport() {}

  static Future<List<String>> run(BackupStorage storage, BackupCatalog catalog, WorkerExecutor worker) {
    return catalog.ids().compose(known -> worker.executeBlocking(() -> found(storage, known), false)).compose(found -> {
      List<String> adopted = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (Found f : found) {
        chain = chain.compose(x -> catalog.adopt(f.id, f.started, f.finished, f.file, f.bytes, f.sha256, f.keyId, f.manifest, f.manifestSha256)
            .map(added -> {
              if (added) {
                adopted.add(f.id);
              }
              return null;
            }));
      }
      return chain.map(x -> {
        if (!adopted.isEmpty()) {
          LOG.warn("found {} backup(s) in {} that this catalog did not know; listed again as imported: {}", adopted.size(),
              storage.describe(), adopted, kv("event", "backup.imported"));
        }
        return adopted;
      });
    });
  }

  private record Found(String id, Instant started, Instant finished, String file, long bytes, String sha256, String keyId,
                       JsonObject manifest, String manifestSha256) {}

  private static List<Found> found(BackupStorage storage, Set<String> known) throws Exception {
    List<Found> out = new ArrayList<>();
    for (String name : storage.list()) {
      if (!name.endsWith(SUFFIX)) {
        continue;
      }
      String id = name.substring(0, name.length() - SUFFIX.length());
      if (known.contains(id) || !BackupConsumers.BACKUP_ID.matcher(id).matches() || !storage.exists(BackupRunner.fileName(id))) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = storage.open(name)) {
        bytes = in.readAllBytes();
      }
      try {
        JsonObject m = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
        JsonObject file = m.getJsonObject("file");
        JsonObject enc = m.getJsonObject("encryption");
        if (!BackupRunner.FORMAT.equals(m.getString("format")) || !id.equals(m.getString("id")) || file == null) {
          LOG.warn("{} is not a manifest of this format; left alone", name);
          continue;
        }
        out.add(new Found(id, Instant.parse(m.getString("startedAt")), Instant.parse(m.getString("finishedAt")),
            BackupRunner.fileName(id), file.getLong("bytes"), file.getString("sha256"), enc == null ? null : enc.getString("keyId"),
            m, HexFormat.of().formatHex(DumpPipeline.sha256().digest(bytes))));
      } catch (RuntimeException e) {
        LOG.warn("{} could not be read as a manifest ({}); left alone", name, e.getMessage());
      }
    }
    return out;
  }
}
