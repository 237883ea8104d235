package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@link Proofs} against every RFC 6962 vector file: {@code wantErr} files are refused, the others accepted. */
class ProofsVectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> inclusionVectors() throws IOException {
    return vectors("inclusion").map(f -> DynamicTest.dynamicTest(name(f), () -> {
      JsonNode v = JSON.readTree(f.toFile());
      Runnable check = () -> {
        try {
          Proofs.verifyInclusion(v.get("leafIdx").asLong(), v.get("treeSize").asLong(), b64(v.get("leafHash")),
              b64List(v.get("proof")), b64(v.get("root")));
        } catch (ProofException e) {
          throw new IllegalStateException(e.getMessage());
        }
      };
      expect(v, check);
    }));
  }

  @TestFactory
  Stream<DynamicTest> consistencyVectors() throws IOException {
    return vectors("consistency").map(f -> DynamicTest.dynamicTest(name(f), () -> {
      JsonNode v = JSON.readTree(f.toFile());
      Runnable check = () -> {
        try {
          Proofs.verifyConsistency(v.get("size1").asLong(), v.get("size2").asLong(), b64List(v.get("proof")),
              b64(v.get("root1")), b64(v.get("root2")));
        } catch (ProofException e) {
          throw new IllegalStateException(e.getMessage());
        }
      };
      expect(v, check);
    }));
  }

  private static void expect(JsonNode v, Runnable check) {
    String desc = v.path("desc").asText();
    if (v.get("wantErr").asBoolean()) {
      assertThrows(IllegalStateException.class, check::run, "must be refused: " + desc);
    } else {
      assertDoesNotThrow(check::run, "must be accepted: " + desc);
    }
  }

  private static Stream<Path> vectors(String kind) throws IOException {
    Path root = RfcVectors.dir();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root.resolve(kind))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no vectors under " + root.resolve(kind));
    assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().equals("happy-path.json")));
    return files.stream();
  }

  private static String name(Path f) {
    return f.getParent().getFileName() + "/" + f.getFileName();
  }

  private static byte[] b64(JsonNode n) {
    return n == null || n.isNull() ? new byte[0] : Base64.getDecoder().decode(n.asText());
  }

  private static List<byte[]> b64List(JsonNode a) {
    List<byte[]> out = new ArrayList<>();
    if (a != null && !a.isNull()) {
      a.forEach(n -> out.add(b64(n)));
    }
    return out;
  }
}
