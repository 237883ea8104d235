package io.bulwark.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The parts of an org export ({@code bulwark-org-export/v1}) the evidence folder needs. The audit bundle is cut out of
 * the answer's bytes rather than re-serialised, so {@code audit-bundle.json} is exactly what the gateway signed off on
 * (no number or escape rewritten by a JSON library); counting whose entries it holds happens in the same pass.
 */
record OrgExport(String format, byte[] auditBundle, String checkpoint, BundleScope scope) {
  static final String FORMAT = "bulwark-org-export/v1";
  private static final ObjectMapper JSON = new ObjectMapper();
  // a repeated "audit" member would let two readers see two different bundles
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Whose entries the bundle holds: the tenant it declares and how many entries belong to someone else. */
  record BundleScope(String scope, String tenant, long entries, long otherTenantEntries) {}

  /** Reads {@code body}; an {@link IllegalArgumentException} says in one line why it is not a usable export. */
  static OrgExport parse(byte[] body, String org) {
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      String format = null;
      String checkpoint = null;
      byte[] audit = null;
      BundleScope scope = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "format" -> format = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "checkpoint" -> checkpoint = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "audit" -> {
            if (value != JsonToken.START_OBJECT) {
              throw new IllegalArgumentException("its audit member is not an object");
            }
            int start = Math.toIntExact(p.currentTokenLocation().getByteOffset());
            scope = scope(p, org);
            int end = Math.toIntExact(p.currentTokenLocation().getByteOffset()) + 1;
            audit = Arrays.copyOfRange(body, start, end);
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("text after the JSON object");
      }
      if (audit == null) {
        throw new IllegalArgumentException("it has no audit member (a bulwark-audit-bundle/v1)");
      }
      if (checkpoint == null) {
        throw new IllegalArgumentException("it has no checkpoint member (a signed note)");
      }
      return new OrgExport(format, audit, checkpoint, scope);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + BulwarkCli.oneLine(e), e);
    }
  }

  /** Walks the audit bundle object the parser stands on, leaving it on the bundle's closing brace. */
  private static BundleScope scope(JsonParser p, String org) throws IOException {
    String scope = null;
    String tenant = null;
    long entries = 0;
    long others = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "scope" -> scope = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "tenant" -> tenant = value == JsonToken.VALUE_STRING ? p.getText() : null;
        case "entries" -> {
          if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() == JsonToken.START_OBJECT) {
            entries++;
            if (!org.equals(leafTenant(p))) {
              others++;
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    return new BundleScope(scope, tenant, entries, others);
  }

  /**
   * The tenant of the entry object the parser stands on, read from {@code leaf} (the bytes the ledger hashed), not
   * from the readable {@code entry} copy, which the verifier separately checks against the leaf.
   */
  private static String leafTenant(JsonParser p) throws IOException {
    String tenant = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if ("leaf".equals(field) && value == JsonToken.VALUE_STRING) {
        try {
          JsonNode leaf = JSON.readTree(Base64.getDecoder().decode(p.getText()));
          JsonNode t = leaf == null ? null : leaf.get("tenant");
          tenant = t != null && t.isTextual() ? t.asText() : null;
        } catch (IllegalArgumentException | IOException e) {
          tenant = null; // an unreadable leaf is the verifier's finding to report; here it just is nobody's
        }
      } else {
        p.skipChildren();
      }
    }
    return tenant;
  }
}
