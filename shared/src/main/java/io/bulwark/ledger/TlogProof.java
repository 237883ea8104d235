package io.bulwark.ledger;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * A C2SP {@code c2sp.org/tlog-proof@v1} inclusion proof: header, optional {@code extra <base64>}, {@code index <N>},
 * one base64 hash per line, an empty line, then the signed checkpoint verbatim.
 */
public record TlogProof(long index, List<byte[]> hashes, String checkpointNote, byte[] extra) {
  public static final String HEADER = "c2sp.org/tlog-proof@v1";

  public TlogProof {
    if (index < 0) {
      throw new IllegalArgumentException("negative index " + index);
    }
    hashes = hashes.stream().map(byte[]::clone).toList();
    for (byte[] h : hashes) {
      if (h.length != 32) {
        throw new IllegalArgumentException("a proof hash has 32 bytes");
      }
    }
    if (checkpointNote == null || !checkpointNote.endsWith("\n")) {
      throw new IllegalArgumentException("the checkpoint is a signed note ending in a newline");
    }
    extra = extra == null ? null : extra.clone();
  }

  public TlogProof(long index, List<byte[]> hashes, String checkpointNote) {
    this(index, hashes, checkpointNote, null);
  }

  /** The proof as text. */
  public String format() {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    Base64.Encoder enc = Base64.getEncoder();
    if (extra != null) {
      b.append("extra ").append(enc.encodeToString(extra)).append('\n');
    }
    b.append("index ").append(index).append('\n');
    for (byte[] h : hashes) {
      b.append(enc.encodeToString(h)).append('\n');
    }
    return b.append('\n').append(checkpointNote).toString();
  }

  /** Parses the text strictly; anything unexpected is {@code malformed-proof}. */
  public static TlogProof parse(String text) throws NoteException {
    if (text == null) {
      throw malformed("no proof");
    }
    int blank = text.indexOf("\n\n");
    if (blank < 0) {
      throw malformed("a proof has an empty line before its checkpoint");
    }
    String[] lines = text.substring(0, blank).split("\n", -1);
    String note = text.substring(blank + 2);
    if (!lines[0].equals(HEADER)) {
      throw malformed("a proof starts with " + HEADER);
    }
    int i = 1;
    byte[] extra = null;
    if (i < lines.length && lines[i].startsWith("extra ")) {
      extra = b64(lines[i++].substring(6), "extra data");
    }
    if (i >= lines.length || !lines[i].matches("index (0|[1-9][0-9]{0,18})")) {
      throw malformed("a proof has an 'index <N>' line (decimal, no leading zeros)");
    }
    long index;
    try {
      index = Long.parseLong(lines[i++].substring(6));
    } catch (NumberFormatException e) {
      throw malformed("index out of range");
    }
    List<byte[]> hashes = new ArrayList<>();
    for (; i < lines.length; i++) {
      byte[] h = b64(lines[i], "proof hash");
      if (h.length != 32) {
        throw malformed("a proof hash has 32 bytes");
      }
      hashes.add(h);
    }
    if (!note.endsWith("\n") || note.isEmpty()) {
      throw malformed("the checkpoint note ends with a newline");
    }
    return new TlogProof(index, hashes, note, extra);
  }

  /**
   * Verifies the proof for an entry with leaf hash {@code leafHash}: the checkpoint's signature by a trusted key, its
   * syntax, and the inclusion of the leaf at {@link #index()}. Returns the checkpoint the entry is proven in.
   */
  public Checkpoint verify(byte[] leafHash, Collection<VerifierKey> trusted) throws NoteException {
    Checkpoint cp = Checkpoint.parse(SignedNote.open(checkpointNote, trusted).body());
    try {
      Proofs.verifyInclusion(index, cp.size(), leafHash, hashes, cp.rootHash());
    } catch (ProofException e) {
      throw new NoteException(NoteException.INCLUSION_FAILED, e.getMessage());
    }
    return cp;
  }

  /** As {@link #verify(byte[], Collection)}, also requiring the checkpoint's origin. */
  public Checkpoint verify(byte[] leafHash, Collection<VerifierKey> trusted, String origin) throws NoteException {
    Checkpoint cp = verify(leafHash, trusted);
    if (!cp.origin().equals(origin)) {
      throw new NoteException(NoteException.ORIGIN_MISMATCH, "checkpoint origin '" + cp.origin() + "', expected '" + origin + "'");
    }
    return cp;
  }

  @Override
  public List<byte[]> hashes() {
    return hashes.stream().map(byte[]::clone).toList();
  }

  @Override
  public byte[] extra() {
    return extra == null ? null : extra.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlogProof p && format().equals(p.format());
  }

  @Override
  public int hashCode() {
    return format().hashCode();
  }

  @Override
  public String toString() {
    return "TlogProof[index " + index + ", " + hashes.size() + " hashes]";
  }

  private static byte[] b64(String s, String what) throws NoteException {
    try {
      byte[] b = Base64.getDecoder().decode(s);
      if (!Base64.getEncoder().encodeToString(b).equals(s)) {
        throw malformed(what + " is not canonical base64");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw malformed(what + " is not base64");
    }
  }

  private static NoteException malformed(String message) {
    return new NoteException(NoteException.MALFORMED_PROOF, message);
  }
}
