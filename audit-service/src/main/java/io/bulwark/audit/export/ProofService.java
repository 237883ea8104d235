package io.bulwark.audit.export;

import io.bulwark.ledger.ProofPlan;
import io.bulwark.ledger.Subtree;
import io.bulwark.ledger.TlogProof;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.ledgerdb.CheckpointStore.StoredCheckpoint;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.TreeStore;
import io.vertx.core.Future;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Inclusion proofs ({@code c2sp.org/tlog-proof@v1}) and consistency proofs, computed from stored tiles only. */
public final class ProofService {
  private final CheckpointStore checkpoints;
  private final TreeStore tree;

  public ProofService(CheckpointStore checkpoints, TreeStore tree) {
    this.checkpoints = checkpoints;
    this.tree = tree;
  }

  /** The proof that entry {@code index} is in the checkpoint of {@code size} (latest when null). */
  public Future<String> inclusion(long index, Long size) {
    if (index < 0) {
      return Future.failedFuture(ApiException.badRequest("index must be 0 or more"));
    }
    return checkpoint(size).compose(cp -> {
      if (index >= cp.size()) {
        return Future.failedFuture(new ApiException(404, ErrorCodes.AUDIT_NOT_COVERED, "entry " + index
            + " is not covered by the checkpoint of size " + cp.size() + (size == null ? "; a new one is signed within seconds of an append" : "")));
      }
      List<List<Subtree>> plan = ProofPlan.inclusion(index, cp.size());
      return tree.resolve(plan).map(hashes -> new TlogProof(index, hashes, cp.note(), null).format());
    });
  }

  /** Hashes proving the tree of {@code to} entries extends the tree of {@code from}; one base64 hash per line. */
  public Future<String> consistency(long from, long to) {
    if (from < 1 || to < from) {
      return Future.failedFuture(ApiException.badRequest("need 1 <= from <= to (got from=" + from + ", to=" + to + ")"));
    }
    return checkpoints.latest().compose(latest -> {
      long max = latest.map(StoredCheckpoint::size).orElse(0L);
      if (to > max) {
        return Future.failedFuture(new ApiException(404, ErrorCodes.AUDIT_NOT_COVERED,
            "to=" + to + " is beyond the latest checkpoint (size " + max + ")"));
      }
      return tree.resolve(ProofPlan.consistency(from, to)).map(ProofService::lines);
    });
  }

  static String lines(List<byte[]> hashes) {
    StringBuilder out = new StringBuilder();
    hashes.forEach(h -> out.append(Base64.getEncoder().encodeToString(h)).append('\n'));
    return out.toString();
  }

  private Future<StoredCheckpoint> checkpoint(Long size) {
    Future<Optional<StoredCheckpoint>> found = size == null ? checkpoints.latest() : checkpoints.atSize(size);
    return found.compose(cp -> cp.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(new ApiException(404,
        ErrorCodes.AUDIT_NO_CHECKPOINT, size == null ? "the ledger has no checkpoint yet" : "no checkpoint of size " + size))));
  }
}
