package io.bulwark.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the gateway is and the admin key to call it with: {@code --base-url} and {@code --token} (or
 * {@code BULWARK_TOKEN}), checked the same way by every command that talks to the gateway's admin API.
 */
final class GatewayOptions {
  static final String TOKEN_VARIABLE = "BULWARK_TOKEN";

  @Option(names = "--base-url", paramLabel = "URL", order = 100, description = "The gateway's traffic URL (required), "
      + "e.g. http://127.0.0.1:8080.")
  String baseUrl;

  @Option(names = "--token", paramLabel = "TOKEN", order = 101, description = "An admin key, sent as Authorization: "
      + "Bearer. Default: the environment variable " + TOKEN_VARIABLE + ". Never printed.")
  String token;

  /** The validated gateway URL and admin key, {@code environment} supplying the key when {@code --token} is absent. */
  record Target(URI base, String token) {
    @Override
    public String toString() {
      // a record's default toString would print the key into any log or message it ends up in
      return "Target[" + base + "]";
    }
  }

  Target resolve(Map<String, String> environment) throws CommandFailure {
    return new Target(baseUrl(baseUrl), adminKey(token, environment));
  }

  /** An absolute http(s) URL with a host and nothing that would leak or be lost (user info, query, fragment). */
  static URI baseUrl(String value) throws CommandFailure {
    if (value == null || value.isBlank()) {
      throw badInput("--base-url is required (the gateway, e.g. http://127.0.0.1:8080)");
    }
    // a URL with user:password@ is refused, and never echoed with the password in it
    String shown = BulwarkCli.singleLine(value).replaceAll("(?<=://)[^/?#]*@", "***@");
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw badInput("--base-url '" + shown + "' is not a URL (expected e.g. http://127.0.0.1:8080)");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw badInput("--base-url '" + shown + "' is not an http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw badInput("--base-url '" + shown + "' must be http(s)://host[:port][/path], without user, query or fragment");
    }
    return uri;
  }

  /** {@code token}, or else {@code BULWARK_TOKEN} from {@code environment}, stripped; never part of a message. */
  static String adminKey(String token, Map<String, String> environment) throws CommandFailure {
    String credential = token != null ? token : environment.get(TOKEN_VARIABLE);
    if (credential == null || credential.isBlank()) {
      throw badInput("no admin key: give --token or set " + TOKEN_VARIABLE);
    }
    if (!credential.strip().matches("[\\x21-\\x7e]+")) {
      // a pasted newline or space would otherwise surface as an obscure header error
      throw badInput("the admin key contains spaces or non-ASCII characters");
    }
    return credential.strip();
  }

  private static CommandFailure badInput(String message) {
    return new CommandFailure(CommandFailure.BAD_INPUT, message);
  }
}
