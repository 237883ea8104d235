package io.bulwark.audit.keys;

import io.bulwark.audit.LedgerSettings;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.shared.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the checkpoint signing key comes from: {@code BULWARK_SIGNING_KEY} (a PKCS#8 PEM, or the path of one). In
 * production there is no fallback; in development a key is generated once and kept beside the suite's database.
 * Blocking (file I/O): call from a worker thread.
 */
public final class SigningKeySource {
  /** File name of the generated development key inside the data directory. */
  public static final String DEV_KEY_FILE = "audit-signing-key.pem";

  /** The signer and a line for the operator when something was generated. */
  public record Loaded(NoteSigner signer, String notice) {}

  private SigningKeySource() {}

  public static Loaded load(LedgerSettings settings, boolean production) {
    String configured = settings.signingKey();
    if (configured != null) {
      String pem = configured.startsWith("-----BEGIN") ? configured : read(Path.of(configured));
      try {
        return new Loaded(NoteSigner.fromPkcs8Pem(settings.origin(), pem), null);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("BULWARK_SIGNING_KEY", "is not a usable Ed25519 PKCS#8 key: " + e.getMessage());
      }
    }
    if (production) {
      throw new ConfigException("BULWARK_SIGNING_KEY",
          "is required in production (an Ed25519 PKCS#8 PEM, or the path of one; `openssl genpkey -algorithm ed25519`)");
    }
    Path file = settings.dataDir().resolve(DEV_KEY_FILE);
    try {
      if (Files.exists(file)) {
        return new Loaded(NoteSigner.fromPkcs8Pem(settings.origin(), Files.readString(file, StandardCharsets.US_ASCII)), null);
      }
      NoteSigner signer = NoteSigner.generate(settings.origin());
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "signing", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, signer.privateKeyPem(), StandardCharsets.US_ASCII);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new Loaded(signer, "audit ledger: generated a development signing key at " + file.toAbsolutePath()
          + " (verifier key " + signer.verifierKey().encode() + "); set BULWARK_SIGNING_KEY in production");
    } catch (IOException e) {
      throw new ConfigException("BULWARK_SIGNING_KEY", "is not set and the development key at " + file + " cannot be used: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("BULWARK_SIGNING_KEY", "is not set and the development key at " + file + " is unusable: " + e.getMessage());
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException("BULWARK_SIGNING_KEY", "names a file that cannot be read: " + path);
    }
  }
}
