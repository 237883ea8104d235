package io.bulwark.shared.test;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads a service's Flyway scripts from the classpath ({@code db/migration/<schema>}) so tests can compare heads. */
public final class MigrationScripts {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__[^/]+\\.sql");

  private MigrationScripts() {}

  /** The highest {@code V<n>} among the scripts; fails on a versioned script whose version is not a whole number. */
  public static int highestVersion(String schema) {
    int max = 0;
    for (String name : fileNames(schema)) {
      if (!name.startsWith("V")) {
        continue;
      }
      Matcher m = VERSIONED.matcher(name);
      if (!m.matches()) {
        throw new AssertionError("db/migration/" + schema + "/" + name + " is not named V<whole number>__<description>.sql");
      }
      max = Math.max(max, Integer.parseInt(m.group(1)));
    }
    if (max == 0) {
      throw new AssertionError("no V<n>__*.sql script in db/migration/" + schema);
    }
    return max;
  }

  /** The file names in {@code db/migration/<schema>} on the test classpath. */
  public static List<String> fileNames(String schema) {
    String dir = "db/migration/" + schema;
    URL url = MigrationScripts.class.getClassLoader().getResource(dir);
    if (url == null) {
      throw new AssertionError(dir + " is not on the classpath");
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return list(jar.getPath(dir));
        }
      }
      return list(Path.of(uri));
    } catch (IOException | URISyntaxException e) {
      throw new AssertionError("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString().replaceAll("/$", "")).sorted().toList();
    }
  }
}
