package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.TestData;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6962 leaf and node hashing, checked against known values, a hand computation, and the shared proof vectors
 * ({@code <repo>/../shared/testdata/rfc6962-vectors}). The vectors carry hashes and proofs, not leaf data, so the
 * proof checks below are a minimal RFC 9162 (sections 2.1.3.2 and 2.1.4.2) verifier written here on top of
 * {@link MerkleHash#nodeHash}; the roots are recomputed from the RFC 6962 reference leaves the vectors were built from.
 */
class MerkleHashTest {
  private static final HexFormat HEX = HexFormat.of();
  /** The eight leaves of the RFC 6962 reference test tree (certificate-transparency test data). */
  private static final List<byte[]> REFERENCE_LEAVES = Stream.of("", "00", "10", "2021", "3031", "40414243",
      "5051525354555657", "606162636465666768696a6b6c6d6e6f").map(HEX::parseHex).toList();

  @Test
  void leafHashOfTheEmptyStringIsTheKnownValue() {
    assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        MerkleHash.hex(MerkleHash.leafHash(new byte[0])));
  }

  @Test
  void leafHashPrefixesAZeroByte() throws Exception {
    byte[] data = "hello ledger".getBytes(StandardCharsets.UTF_8);
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update((byte) 0x00);
    d.update(data);
    assertArrayEquals(d.digest(), MerkleHash.leafHash(data));
  }

  @Test
  void nodeHashPrefixesAOneByteAndKeepsTheOrder() throws Exception {
    byte[] left = MerkleHash.leafHash(new byte[] {0x00});
    byte[] right = MerkleHash.leafHash(new byte[] {0x10});
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(new byte[] {0x01});
    d.update(left);
    d.update(right);
    byte[] expected = d.digest();

    assertArrayEquals(expected, MerkleHash.nodeHash(left, right));
    assertFalse(Arrays.equals(expected, MerkleHash.nodeHash(right, left)), "children must not commute");
  }

  @Test
  void leafAndNodeHashesAreDomainSeparated() {
    byte[] left = MerkleHash.leafHash("a".getBytes(StandardCharsets.UTF_8));
    byte[] right = MerkleHash.leafHash("b".getBytes(StandardCharsets.UTF_8));
    byte[] concatenated = new byte[64];
    System.arraycopy(left, 0, concatenated, 0, 32);
    System.arraycopy(right, 0, concatenated, 32, 32);
    assertFalse(Arrays.equals(MerkleHash.nodeHash(left, right), MerkleHash.leafHash(concatenated)));
  }

  @Test
  void hexIsLowerCase() {
    assertEquals("00ff7f", MerkleHash.hex(new byte[] {0x00, (byte) 0xff, 0x7f}));
  }

  @Test
  void eightLeafReferenceTreeHasTheKnownRoot() {
    assertEquals("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        MerkleHash.hex(mth(REFERENCE_LEAVES)));
  }

  @Test
  void theVectorsArePresent() {
    Path dir = TestData.rfc6962Vectors();
    assertTrue(Files.isDirectory(dir.resolve("inclusion")) && Files.isDirectory(dir.resolve("consistency")), dir.toString());
  }

  /** Every root and leaf hash in the happy paths of the numbered sets is recomputed from the reference leaves. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("happyPathsOfReferenceTree")
  void happyPathHashesMatchTheReferenceLeaves(String file) {
    JsonObject v = read(file);
    if (v.containsKey("leafIdx")) {
      int size = v.getInteger("treeSize");
      assertEquals(hex(v.getString("root")), MerkleHash.hex(mth(REFERENCE_LEAVES.subList(0, size))), "root of size " + size);
      assertEquals(hex(v.getString("leafHash")), MerkleHash.hex(MerkleHash.leafHash(REFERENCE_LEAVES.get(v.getInteger("leafIdx")))));
    } else {
      int size1 = v.getInteger("size1");
      int size2 = v.getInteger("size2");
      assertEquals(hex(v.getString("root1")), MerkleHash.hex(mth(REFERENCE_LEAVES.subList(0, size1))), "root of size " + size1);
      assertEquals(hex(v.getString("root2")), MerkleHash.hex(mth(REFERENCE_LEAVES.subList(0, size2))), "root of size " + size2);
    }
  }

  // ---- a minimal RFC 6962 / RFC 9162 reference, for this test only ----

  /** MTH(D[n]) of RFC 6962 section 2.1. */
  private static byte[] mth(List<byte[]> leaves) {
    int n = leaves.size();
    if (n == 0) {
      return sha256(new byte[0]);
    }
    if (n == 1) {
      return MerkleHash.leafHash(leaves.get(0));
    }
    int k = Integer.highestOneBit(n - 1);
    return MerkleHash.nodeHash(mth(leaves.subList(0, k)), mth(leaves.subList(k, n)));
  }

  // ---- reading the vectors ----

  static Stream<String> happyPathsOfReferenceTree() {
    return Stream.concat(vectors("inclusion"), vectors("consistency"))
        .filter(f -> f.matches("(inclusion|consistency)/\\d+/happy-path\\.json"));
  }

  private static Stream<String> vectors(String kind) {
    Path root = TestData.rfc6962Vectors();
    try (Stream<Path> files = Files.walk(root.resolve(kind))) {
      List<String> out = files.filter(p -> p.toString().endsWith(".json"))
          .map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
      if (out.isEmpty()) {
        throw new AssertionError("no vectors in " + root.resolve(kind));
      }
      return out.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject read(String file) {
    try {
      return new JsonObject(Files.readString(TestData.rfc6962Vectors().resolve(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] b64(String s) {
    return s == null ? new byte[0] : Base64.getDecoder().decode(s);
  }

  private static String hex(String base64) {
    return HEX.formatHex(b64(base64));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
