package io.bulwark.ledger;

/** Looks up the hash of a perfect subtree (from tiles, a database or memory). */
@FunctionalInterface
public interface SubtreeHashes {
  byte[] hash(Subtree s);
}
