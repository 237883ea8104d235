package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C2SP signed notes, verifier keys and checkpoints. */
class NoteTest {
  private static final HexFormat HEX = HexFormat.of();
  /** RFC 8032 section 7.1, TEST 1: secret key, public key and the signature of the empty message. */
  private static final String SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String EMPTY_SIG = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33"
      + "bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
  private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";

  private static final Checkpoint CP = new Checkpoint("bulwark.local/audit", 1234, new byte[32], List.of("ext one"));

  @Test
  void keyFromAFixedSeedHasTheKeyIdOfTheDefinition() throws Exception {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(HEX.parseHex(PKCS8_PREFIX + SEED)) + "\n-----END PRIVATE KEY-----\n";
    NoteSigner signer = NoteSigner.fromPkcs8Pem("example.com/log", pem);
    VerifierKey k = signer.verifierKey();
    assertEquals(PUBLIC, HEX.formatHex(k.publicKey()));

    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update("example.com/log\n".getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0x01);
    d.update(HEX.parseHex(PUBLIC));
    String id = HEX.formatHex(Arrays.copyOf(d.digest(), 4));
    assertEquals(id, HEX.formatHex(k.keyId()));
    String vkey = "example.com/log+" + id + "+" + Base64.getEncoder().encodeToString(HEX.parseHex("01" + PUBLIC));
    assertEquals(vkey, k.encode());
    assertEquals(k, VerifierKey.parse(vkey));
    assertTrue(k.verify(new byte[0], HEX.parseHex(EMPTY_SIG)), "RFC 8032 TEST 1 signature");

    NoteSigner again = NoteSigner.fromPkcs8Pem("example.com/log", signer.privateKeyPem());
    assertEquals(k, again.verifierKey());
    assertTrue(signer.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----\n"));
  }

  @Test
  void signAndOpenRoundTrip() throws Exception {
    NoteSigner signer = NoteSigner.generate("bulwark.local/audit");
    String note = signer.sign(CP.body());
    assertTrue(note.startsWith(CP.body() + "\n\u2014 bulwark.local/audit "), note);
    byte[] blob = Base64.getDecoder().decode(note.substring(note.lastIndexOf(' ') + 1).trim());
    assertEquals(68, blob.length);
    assertArrayEquals(signer.verifierKey().keyId(), Arrays.copyOf(blob, 4));

    SignedNote.Opened opened = SignedNote.open(note, List.of(signer.verifierKey()));
    assertEquals(CP.body(), opened.body());
    assertEquals(List.of(signer.verifierKey()), opened.verifiedBy());
    assertEquals(CP, Checkpoint.parse(opened.body()));
  }

  @Test
  void unknownKeysAreIgnoredAndCosignaturesCount() throws Exception {
    NoteSigner log = NoteSigner.generate("bulwark.local/audit");
    NoteSigner witness = NoteSigner.generate("witness.example");
    String note = SignedNote.addSignature(witness.sign(CP.body()), log);
    assertEquals(List.of(log.verifierKey()), SignedNote.open(note, List.of(log.verifierKey())).verifiedBy());
    assertEquals(2, SignedNote.open(note, List.of(log.verifierKey(), witness.verifierKey())).verifiedBy().size());
  }

  @Test
  void aTamperedBodyIsABadSignature() {
    NoteSigner signer = NoteSigner.generate("bulwark.local/audit");
    String note = signer.sign(CP.body()).replace("1234\n", "1235\n");
    assertEquals("bad-signature", reason(() -> SignedNote.open(note, List.of(signer.verifierKey()))));
  }

  @Test
  void noTrustedSignatureIsAnUnknownKey() {
    NoteSigner signer = NoteSigner.generate("bulwark.local/audit");
    NoteSigner other = NoteSigner.generate("bulwark.local/audit");
    String note = signer.sign(CP.body());
    assertEquals("unknown-key", reason(() -> SignedNote.open(note, List.of(other.verifierKey()))));
    assertEquals("unknown-key", reason(() -> SignedNote.open(note, List.of())));
  }

  @Test
  void rotationKeepsOldNotesVerifiableOnlyWhileTheOldKeyIsTrusted() throws Exception {
    NoteSigner old = NoteSigner.generate("bulwark.local/audit");
    NoteSigner current = NoteSigner.generate("bulwark.local/audit");
    String note = old.sign(CP.body());
    assertEquals(List.of(old.verifierKey()),
        SignedNote.open(note, List.of(old.verifierKey(), current.verifierKey())).verifiedBy());
    assertEquals("unknown-key", reason(() -> SignedNote.open(note, List.of(current.verifierKey()))));
  }

  @Test
  void malformedNotesAreRefused() {
    NoteSigner s = NoteSigner.generate("n");
    List<VerifierKey> k = List.of(s.verifierKey());
    String good = s.sign(CP.body());
    for (String bad : List.of("", CP.body(), good.substring(0, good.length() - 1), good.replace("\u2014", "-"),
        good + "\n", good.replace("ext one", "ext\rone"), CP.body() + "\n", good.replace(" n ", " n  "))) {
      assertEquals("malformed-note", reason(() -> SignedNote.open(bad, k)), bad);
    }
  }

  @Test
  void verifierKeysAreParsedStrictly() throws Exception {
    VerifierKey k = NoteSigner.generate("log.example").verifierKey();
    String v = k.encode();
    assertEquals(k, VerifierKey.parse(v));
    // the base64 key may contain "+" itself: only the first two separate fields
    String[] p = v.split("\\+", 3);
    String otherId = HEX.formatHex(new byte[] {(byte) (k.keyId()[0] ^ 1), k.keyId()[1], k.keyId()[2], k.keyId()[3]});
    for (String bad : List.of("", "log.example", p[0] + "+" + otherId + "+" + p[2], "other+" + p[1] + "+" + p[2],
        p[0] + "+" + p[1] + "+" + p[2].substring(4), p[0] + "+" + p[1] + "+!!", "a b+" + p[1] + "+" + p[2])) {
      assertEquals("malformed-key", reason(() -> VerifierKey.parse(bad)), bad);
    }
  }

  @Test
  void badPemKeysGiveAClearMessageWithoutKeyMaterial() throws Exception {
    String body = Base64.getEncoder().encodeToString(HEX.parseHex(PKCS8_PREFIX + SEED));
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    String rsaBody = Base64.getEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
    for (String bad : List.of("nonsense", "-----BEGIN PRIVATE KEY-----\n" + body.substring(3) + "\n-----END PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n" + rsaBody + "\n-----END PRIVATE KEY-----",
        "-----BEGIN EC PRIVATE KEY-----\n" + body + "\n-----END EC PRIVATE KEY-----")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NoteSigner.fromPkcs8Pem("n", bad));
      assertFalse(e.getMessage().contains(body.substring(10, 30)) || e.getMessage().contains(rsaBody.substring(40, 60)),
          e.getMessage());
      assertTrue(e.getMessage().contains("'n'"), e.getMessage());
    }
  }

  @Test
  void checkpointsAreParsedStrictly() throws Exception {
    assertEquals("bulwark.local/audit\n1234\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\next one\n", CP.body());
    assertEquals(CP, Checkpoint.parse(CP.body()));
    String root = Base64.getEncoder().encodeToString(new byte[32]);
    for (String bad : List.of("o\n01\n" + root + "\n", "o\n-1\n" + root + "\n", "o\n1\n" + root, "o\n1\n",
        "o\n1\n" + Base64.getEncoder().encodeToString(new byte[31]) + "\n", "o\n1\n" + root + "\n\n",
        "\n1\n" + root + "\n", "o\n99999999999999999999\n" + root + "\n", "o\n+1\n" + root + "\n")) {
      assertEquals("checkpoint-malformed", reason(() -> Checkpoint.parse(bad)), bad);
    }
    assertEquals(0, Checkpoint.parse("o\n0\n" + root + "\n").size());
  }

  interface NoteCall {
    void run() throws NoteException;
  }

  static String reason(NoteCall c) {
    NoteException e = assertThrows(NoteException.class, c::run);
    return e.reason();
  }
}
