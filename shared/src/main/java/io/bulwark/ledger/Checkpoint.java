package io.bulwark.ledger;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** A C2SP tlog-checkpoint body: origin, tree size, root hash and optional extension lines. */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
  public Checkpoint {
    if (origin == null || origin.isEmpty() || origin.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a checkpoint origin is one non-empty line");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative tree size " + size);
    }
    if (rootHash == null || rootHash.length != 32) {
      throw new IllegalArgumentException("a checkpoint root hash has 32 bytes");
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(extensions == null ? List.of() : extensions);
    for (String e : extensions) {
      if (e.isEmpty() || e.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("an extension is one non-empty line");
      }
    }
  }

  public Checkpoint(String origin, long size, byte[] rootHash) {
    this(origin, size, rootHash, List.of());
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The note body: origin, size, base64 root and each extension, every line ending in a newline. */
  public String body() {
    StringBuilder b = new StringBuilder(origin.length() + 80);
    b.append(origin).append('\n').append(size).append('\n').append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
    for (String e : extensions) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  /** Parses a checkpoint body strictly (decimal size without leading zeros, 32-byte root, no empty lines). */
  public static Checkpoint parse(String body) throws NoteException {
    if (body == null || !body.endsWith("\n")) {
      throw malformed("a checkpoint ends with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw malformed("a checkpoint has at least three lines (origin, size, root)");
    }
    for (String line : lines) {
      if (line.isEmpty()) {
        throw malformed("a checkpoint has no empty lines");
      }
    }
    String size = lines[1];
    if (!size.matches("0|[1-9][0-9]{0,18}")) {
      throw malformed("tree size '" + clip(size) + "' is not a decimal number without leading zeros");
    }
    long n;
    try {
      n = Long.parseLong(size);
    } catch (NumberFormatException e) {
      throw malformed("tree size " + clip(size) + " is too large");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw malformed("root hash is not base64");
    }
    if (root.length != 32 || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
      throw malformed("root hash is not 32 bytes in canonical base64");
    }
    return new Checkpoint(lines[0], n, root, Arrays.asList(lines).subList(3, lines.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && origin.equals(c.origin) && size == c.size
        && Arrays.equals(rootHash, c.rootHash) && extensions.equals(c.extensions);
  }

  @Override
  public int hashCode() {
    return (origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(rootHash);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", " + size + ", " + MerkleHash.hex(rootHash) + "]";
  }

  private static NoteException malformed(String message) {
    return new NoteException(NoteException.CHECKPOINT_MALFORMED, message);
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
