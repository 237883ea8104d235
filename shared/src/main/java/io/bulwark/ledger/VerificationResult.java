package io.bulwark.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of verifying a ledger export: {@code reason} is {@code ok} when verified, else a stable word such as
 * {@code entry-changed}; {@code index} is the entry it concerns (null when it is about a checkpoint or the input).
 */
public record VerificationResult(boolean verified, String reason, Long index, Long entries, Long checkpoints,
    String detail) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static final String OK = "ok";
  public static final String MALFORMED_BUNDLE = "malformed-bundle";
  public static final String ENTRY_MISSING = "entry-missing";
  public static final String ENTRY_OUT_OF_PLACE = "entry-out-of-place";
  public static final String ENTRY_INSERTED = "entry-inserted";
  public static final String ENTRY_CHANGED = "entry-changed";
  public static final String ENTRY_MALFORMED = "entry-malformed";
  public static final String HASH_MISMATCH = "hash-mismatch";
  public static final String ROOT_MISMATCH = "root-mismatch";
  public static final String CONSISTENCY_FAILED = "consistency-failed";
  public static final String SEGMENT_CHECKSUM = "segment-checksum";
  public static final String NOT_COVERED = "not-covered";
  public static final String INCLUSION_FAILED_REASON = NoteException.INCLUSION_FAILED;

  public static VerificationResult ok(long entries, long checkpoints) {
    return new VerificationResult(true, OK, null, entries, checkpoints, null);
  }

  public static VerificationResult failed(String reason, Long index, long entries, long checkpoints, String detail) {
    return new VerificationResult(false, reason, index, entries, checkpoints, detail);
  }

  /** Bad input: the file is not a bundle, or lacks what verification needs. */
  public static VerificationResult malformed(String detail) {
    return new VerificationResult(false, MALFORMED_BUNDLE, null, null, null, detail);
  }

  /** {@code {"verified":..,"reason":..,"index":..,"entries":..,"checkpoints":..,"detail":..}} on one line. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(toJsonNode());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same fields as {@link #toJson()}, as a node to embed in a larger document. */
  public ObjectNode toJsonNode() {
    ObjectNode o = JSON.createObjectNode();
    o.put("verified", verified);
    o.put("reason", reason);
    o.put("index", index);
    o.put("entries", entries);
    o.put("checkpoints", checkpoints);
    o.put("detail", detail);
    return o;
  }
}
