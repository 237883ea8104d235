package io.bulwark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * An evidence folder while it is written. Files go into a staging folder beside the target whose name ends in
 * {@code .partial-…}; only when {@code MANIFEST.json} is written does it get the target's name, so an interrupted run
 * never leaves a folder that looks complete. {@link #close()} removes an unpublished staging folder.
 */
final class EvidenceFolder implements AutoCloseable {
  static final String MANIFEST = "MANIFEST.json";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A written file as the manifest lists it. */
  record Written(String name, long bytes, String sha256) {}

  private final Path target;
  private final Path staging;
  private final List<Written> files = new ArrayList<>();
  private boolean published;

  private EvidenceFolder(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /** Refuses a target that is a file or a folder with something in it: evidence is never mixed or overwritten. */
  static void checkTarget(Path target) throws CommandFailure {
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new CommandFailure(CommandFailure.BAD_INPUT, target + " exists and is not a folder");
    }
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
        if (entries.iterator().hasNext()) {
          throw new CommandFailure(CommandFailure.BAD_INPUT,
              target + " exists and is not empty; give --out a new folder");
        }
      } catch (IOException e) {
        throw new CommandFailure(CommandFailure.BAD_INPUT, "cannot read " + target + ": " + BulwarkCli.oneLine(e));
      }
    }
  }

  /** Creates the staging folder beside {@code target} (and the parent folders it needs). */
  static EvidenceFolder stage(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    return new EvidenceFolder(absolute, Files.createTempDirectory(parent, absolute.getFileName() + ".partial-"));
  }

  Path target() {
    return target;
  }

  /** Where a written file lies until the folder is published, for reading it back (verification). */
  Path stagingFile(String name) {
    return staging.resolve(name);
  }

  /** Writes {@code name} into the staging folder and remembers its size and SHA-256 for the manifest. */
  void write(String name, byte[] bytes) throws IOException {
    Files.write(staging.resolve(name), bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    files.add(new Written(name, bytes.length, sha256(bytes)));
  }

  void writeJson(String name, ObjectNode json) throws IOException {
    write(name, (JSON.writeValueAsString(json) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** How many files are written so far, the manifest included once published. */
  int fileCount() {
    return files.size() + (published ? 1 : 0);
  }

  /**
   * Adds the file list to {@code manifest}, writes it last, then gives the staging folder the target's name. An empty
   * target folder (made by the operator beforehand) is replaced; one that gained files meanwhile is left alone.
   */
  Path publish(ObjectNode manifest) throws IOException, CommandFailure {
    ArrayNode list = manifest.putArray("files");
    for (Written w : files) {
      list.addObject().put("name", w.name()).put("bytes", w.bytes()).put("sha256", w.sha256());
    }
    Files.writeString(staging.resolve(MANIFEST), JSON.writeValueAsString(manifest) + "\n", StandardOpenOption.CREATE_NEW);
    try {
      if (Files.isDirectory(target)) {
        Files.delete(target);
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      }
    } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
      throw new CommandFailure(CommandFailure.BAD_INPUT, target + " was filled by someone else while the pack was made");
    }
    published = true;
    return target;
  }

  @Override
  public void close() {
    if (published) {
      return;
    }
    try (Stream<Path> walk = Files.walk(staging)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // what is left is named .partial-…, so it cannot be taken for a finished pack
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
