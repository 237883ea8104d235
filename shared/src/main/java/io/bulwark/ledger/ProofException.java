package io.bulwark.ledger;

/** A Merkle proof that does not prove what it was offered for. */
public final class ProofException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProofException(String message) {
    super(message);
  }
}
