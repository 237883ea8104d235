package io.bulwark.backup.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class BackupKeyTest {
  private static final byte[] BYTES = filled((byte) 0xfb, 32);

  @Test
  void generatedKeyRoundTripsThroughItsEncoding() {
    BackupKey key = BackupKey.generate();
    BackupKey again = BackupKey.parse(key.encoded());
    assertEquals(key.keyId(), again.keyId());
    assertArrayEquals(key.key().getEncoded(), again.key().getEncoded());
    assertNotEquals(key.keyId(), BackupKey.generate().keyId());
  }

  @Test
  void keyIdIsThePrefixOfTheSha256OfTheKey() throws Exception {
    BackupKey key = BackupKey.parse(Base64.getEncoder().encodeToString(BYTES));
    String expected = "k-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(BYTES)).substring(0, 16);
    assertEquals(expected, key.keyId());
    assertTrue(key.keyId().matches("k-[0-9a-f]{16}"));
  }

  @Test
  void acceptsStandardUrlSafePaddedUnpaddedAndSurroundingWhitespace() {
    String standard = Base64.getEncoder().encodeToString(BYTES);
    assertTrue(standard.contains("+") && standard.contains("/"), "the fixture must exercise both alphabets");
    String expectedId = BackupKey.parse(standard).keyId();
    for (String text : new String[] {
        standard,
        Base64.getEncoder().withoutPadding().encodeToString(BYTES),
        Base64.getUrlEncoder().encodeToString(BYTES),
        Base64.getUrlEncoder().withoutPadding().encodeToString(BYTES),
        "  " + standard + "\n"}) {
      BackupKey key = BackupKey.parse(text);
      assertEquals(expectedId, key.keyId(), text);
      assertArrayEquals(BYTES, key.key().getEncoded());
    }
  }

  @Test
  void wrongLengthsAreRefusedWithoutEchoingTheKey() {
    for (int length : new int[] {1, 16, 31, 33, 64}) {
      String text = Base64.getEncoder().encodeToString(filled((byte) 0x5a, length));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackupKey.parse(text));
      assertTrue(e.getMessage().contains(length + " bytes"), e.getMessage());
      assertFalse(e.getMessage().contains(text.substring(0, 2)), e.getMessage());
    }
  }

  @Test
  void invalidBase64IsRefusedWithoutEchoingTheText() {
    String secretish = "Zm9vYmFy*c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3OA==";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackupKey.parse(secretish));
    assertFalse(e.getMessage().contains("Zm9v"), e.getMessage());
    assertFalse(e.getMessage().contains("*"), e.getMessage());
    assertEquals(null, e.getCause(), "the decoder's message quotes the text, so it is not kept as the cause");
    assertThrows(IllegalArgumentException.class, () -> BackupKey.parse(null));
    assertThrows(IllegalArgumentException.class, () -> BackupKey.parse("   "));
  }

  @Test
  void toStringShowsTheIdAndNeverTheKey() {
    BackupKey key = BackupKey.parse(Base64.getEncoder().encodeToString(BYTES));
    String text = key.toString();
    assertTrue(text.contains(key.keyId()), text);
    assertFalse(text.contains(key.encoded().substring(0, 8)), text);
    assertFalse(text.toLowerCase().contains("fbfbfb"), text);
    assertFalse(text.contains("SecretKeySpec"), text);
  }

  private static byte[] filled(byte value, int length) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, value);
    return bytes;
  }
}
