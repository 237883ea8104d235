package io.bulwark.ledger;

/** A perfect subtree of the log: the {@code 2^level} leaves {@code [index*2^level, (index+1)*2^level)}. */
public record Subtree(int level, long index) {
  public Subtree {
    if (level < 0 || level > 62 || index < 0 || index > (Long.MAX_VALUE >> level) - 1) {
      throw new IllegalArgumentException("no such subtree: level " + level + ", index " + index);
    }
  }

  /** The first leaf it covers. */
  public long start() {
    return index << level;
  }

  /** One past the last leaf it covers. */
  public long end() {
    return (index + 1) << level;
  }

  /** The number of leaves it covers. */
  public long width() {
    return 1L << level;
  }

  /** Its parent's other child. */
  public Subtree sibling() {
    return new Subtree(level, index ^ 1);
  }

  /** The subtree one level up that contains it. */
  public Subtree parent() {
    return new Subtree(level + 1, index >> 1);
  }
}
