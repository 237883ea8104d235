package io.bulwark.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * C2SP signed notes: a body (non-empty lines, ending in a newline), a blank line, then signature lines
 * {@code — <name> <base64(4-byte key id || signature)>}. Only signatures by trusted keys count.
 */
public final class SignedNote {
  /** U+2014 EM DASH, which starts every signature line. */
  static final String DASH = "\u2014";
  private static final int MAX_SIGNATURES = 100;

  private SignedNote() {}

  /** A verified note: its body and the trusted keys whose signatures checked out. */
  public record Opened(String body, List<VerifierKey> verifiedBy) {
    public Opened {
      verifiedBy = List.copyOf(verifiedBy);
    }
  }

  /**
   * Opens {@code note}: signatures from keys not in {@code trusted} are ignored, a failing signature of a trusted key
   * is {@code bad-signature}, no verified trusted signature is {@code unknown-key}, bad syntax {@code malformed-note}.
   */
  public static Opened open(String note, Collection<VerifierKey> trusted) throws NoteException {
    Parsed p = parse(note);
    byte[] message = p.body.getBytes(StandardCharsets.UTF_8);
    List<VerifierKey> verified = new ArrayList<>();
    for (Sig s : p.sigs) {
      for (VerifierKey k : trusted) {
        if (k.matches(s.name, s.blob, 0)) {
          byte[] sig = java.util.Arrays.copyOfRange(s.blob, 4, s.blob.length);
          if (!k.verify(message, sig)) {
            throw new NoteException(NoteException.BAD_SIGNATURE, "the signature of '" + s.name + "' does not verify");
          }
          if (!verified.contains(k)) {
            verified.add(k);
          }
        }
      }
    }
    if (verified.isEmpty()) {
      throw new NoteException(NoteException.UNKNOWN_KEY, "the note is not signed by a trusted key"
          + (p.sigs.isEmpty() ? "" : " (signed by " + String.join(", ", p.sigs.stream().map(s -> s.name).toList()) + ")"));
    }
    return new Opened(p.body, verified);
  }

  /** {@code note} with {@code signer}'s signature added (a cosignature); its existing signatures are kept as they are. */
  public static String addSignature(String note, NoteSigner signer) {
    try {
      Parsed p = parse(note);
      return note + signer.signatureLine(p.body);
    } catch (NoteException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The body of {@code note} without checking any signature (for display or routing, never for trust). */
  public static String unverifiedBody(String note) throws NoteException {
    return parse(note).body;
  }

  private record Sig(String name, byte[] blob) {}

  private record Parsed(String body, List<Sig> sigs) {}

  private static Parsed parse(String note) throws NoteException {
    if (note == null || !note.endsWith("\n")) {
      throw malformed("a note ends with a newline");
    }
    for (int i = 0; i < note.length(); i++) {
      char c = note.charAt(i);
      if (c != '\n' && (c < 0x20 || c == 0x7f)) {
        throw malformed("a note has no control characters other than newlines");
      }
      if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < note.length()
          && Character.isLowSurrogate(note.charAt(++i)))) {
        throw malformed("a note is valid UTF-16 text");
      }
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0 || split + 2 >= note.length()) {
      throw malformed("a note has a blank line and then signature lines");
    }
    String body = note.substring(0, split + 1);
    String[] lines = note.substring(split + 2, note.length() - 1).split("\n", -1);
    if (lines.length > MAX_SIGNATURES) {
      throw malformed("a note has at most " + MAX_SIGNATURES + " signatures");
    }
    List<Sig> sigs = new ArrayList<>();
    for (String line : lines) {
      if (!line.startsWith(DASH + " ")) {
        throw malformed("a signature line starts with an em dash and a space");
      }
      String rest = line.substring(2);
      int space = rest.indexOf(' ');
      if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
        throw malformed("a signature line is '— <name> <signature>'");
      }
      String name = rest.substring(0, space);
      if (!VerifierKey.validName(name)) {
        throw malformed("bad key name in a signature line");
      }
      byte[] blob;
      try {
        blob = Base64.getDecoder().decode(rest.substring(space + 1));
      } catch (IllegalArgumentException e) {
        throw malformed("the signature of '" + name + "' is not base64");
      }
      if (blob.length < 5) {
        throw malformed("the signature of '" + name + "' is too short");
      }
      sigs.add(new Sig(name, blob));
    }
    return new Parsed(body, sigs);
  }

  private static NoteException malformed(String message) {
    return new NoteException(NoteException.MALFORMED_NOTE, message);
  }
}
