package io.bulwark.ledger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/** Signs C2SP signed notes with an Ed25519 key; the signature line is {@code — <name> base64(key id || signature)}. */
public final class NoteSigner {
  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";

  private final String name;
  private final PrivateKey privateKey;
  private final VerifierKey verifierKey;

  private NoteSigner(String name, KeyPair pair) {
    this.name = name;
    this.privateKey = pair.getPrivate();
    this.verifierKey = VerifierKey.of(name, Ed25519.raw(pair.getPublic()));
  }

  /** A signer from a PKCS#8 PEM Ed25519 private key; errors never quote the key material. */
  public static NoteSigner fromPkcs8Pem(String name, String pem) {
    checkName(name);
    if (pem == null) {
      throw new IllegalArgumentException("no private key given for '" + name + "'");
    }
    String text = pem.strip();
    if (!text.startsWith(PEM_BEGIN) || !text.endsWith(PEM_END)) {
      throw new IllegalArgumentException("the key for '" + name + "' is not a PKCS#8 PEM private key (expected "
          + PEM_BEGIN + " ... " + PEM_END + ")");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(PEM_BEGIN.length(), text.length() - PEM_END.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM key for '" + name + "' is not valid base64");
    }
    EdECPrivateKey key;
    try {
      PrivateKey k = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
      if (!(k instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
        throw new GeneralSecurityException("not Ed25519");
      }
      key = ed;
    } catch (GeneralSecurityException | RuntimeException e) {
      // the cause is dropped on purpose: provider messages may echo encoded key bytes
      throw new IllegalArgumentException("the key for '" + name + "' is not a PKCS#8 Ed25519 private key");
    }
    byte[] seed = key.getBytes().get();
    try {
      return new NoteSigner(name, derive(seed));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** A signer with a fresh random key. */
  public static NoteSigner generate(String name) {
    checkName(name);
    try {
      return new NoteSigner(name, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  public String name() {
    return name;
  }

  public VerifierKey verifierKey() {
    return verifierKey;
  }

  /** The private key as PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
  public String privateKeyPem() {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(privateKey.getEncoded());
    return PEM_BEGIN + "\n" + b64 + "\n" + PEM_END + "\n";
  }

  /** The signed note: {@code body} (ending in a newline), a blank line and this key's signature line. */
  public String sign(String body) {
    if (body == null || !body.endsWith("\n")) {
      throw new IllegalArgumentException("a note body ends with a newline");
    }
    return body + "\n" + signatureLine(body);
  }

  /** This key's signature line for {@code body}, with its newline. */
  String signatureLine(String body) {
    byte[] sig = Ed25519.sign(privateKey, body.getBytes(StandardCharsets.UTF_8));
    byte[] blob = new byte[4 + sig.length];
    System.arraycopy(verifierKey.keyId(), 0, blob, 0, 4);
    System.arraycopy(sig, 0, blob, 4, sig.length);
    return SignedNote.DASH + " " + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
  }

  @Override
  public String toString() {
    return "NoteSigner[" + verifierKey.encode() + "]";
  }

  /**
   * The key pair of an Ed25519 seed. The JDK (17) has no public API to derive the public key, but its generator
   * draws exactly the 32-byte seed from the random source, so feeding it the seed derives the pair with JDK crypto.
   * The result is checked, so a JDK that draws differently fails loudly instead of producing a wrong key.
   */
  private static KeyPair derive(byte[] seed) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      KeyPair pair = g.generateKeyPair();
      byte[] got = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      if (!Arrays.equals(got, seed)) {
        throw new IllegalStateException("this JDK cannot derive an Ed25519 public key from a private key");
      }
      return pair;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  private static void checkName(String name) {
    if (!VerifierKey.validName(name)) {
      throw new IllegalArgumentException("a key name is non-empty, without '+', spaces or control characters");
    }
  }

  /** Returns the seed once, for {@link #derive}; anything else asking for randomness is a bug. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;
    private boolean used;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (used || bytes.length != seed.length) {
        throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
      }
      used = true;
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
      Arrays.fill(seed, (byte) 0);
    }
  }
}
