package io.bulwark.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code bulwark status}: one line per service saying whether it is ready, and exit 0 only if all of them are. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Asks each service's management port for /ready (in parallel, 3 s each) and prints one line per service.",
    footer = {"", "Exit codes: 0 all ready, 1 any not ready or unreachable, 2 bad arguments."})
public final class StatusCommand implements Callable<Integer> {
  static final Duration TIMEOUT = Duration.ofSeconds(3);
  /** The suite's management ports, with the service each belongs to (named even when it cannot be reached). */
  static final Map<URI, String> SUITE = suite();

  @Spec
  private CommandSpec spec;

  @Option(names = "--url", paramLabel = "URL", converter = ManagementUrl.class,
      description = "Management URL of a service, e.g. http://127.0.0.1:9080 (repeatable; default: the suite's ports"
          + " 9080-9083 on 127.0.0.1).")
  private List<URI> urls;

  @Override
  public Integer call() {
    List<URI> targets = urls == null || urls.isEmpty() ? List.copyOf(SUITE.keySet()) : urls;
    List<ServiceReadiness> results = new ReadinessProbe(TIMEOUT).probeAll(targets);
    print(results, spec.commandLine().getOut());
    return results.stream().allMatch(ServiceReadiness::ready) ? ExitCode.OK : ExitCode.SOFTWARE;
  }

  private static void print(List<ServiceReadiness> results, PrintWriter out) {
    int serviceWidth = results.stream().mapToInt(r -> name(r).length()).max().orElse(1);
    int urlWidth = results.stream().mapToInt(r -> r.url().toString().length()).max().orElse(1);
    String format = "%-" + serviceWidth + "s  %-11s  %-" + urlWidth + "s  %s";
    for (ServiceReadiness r : results) {
      String problems = BulwarkCli.singleLine(String.join("; ", r.problems()));
      out.println(String.format(format, name(r), r.status(), r.url(), problems).stripTrailing());
    }
    out.flush();
  }

  private static String name(ServiceReadiness r) {
    return r.service() != null ? r.service() : SUITE.getOrDefault(r.url(), "-");
  }

  private static Map<URI, String> suite() {
    Map<URI, String> ports = new LinkedHashMap<>();
    ports.put(URI.create("http://127.0.0.1:9080"), "gateway");
    ports.put(URI.create("http://127.0.0.1:9081"), "audit");
    ports.put(URI.create("http://127.0.0.1:9082"), "backup");
    ports.put(URI.create("http://127.0.0.1:9083"), "alert");
    return Collections.unmodifiableMap(ports);
  }

  /** Accepts only absolute http(s) URLs with a host, so a typo fails as bad arguments rather than as a DOWN line. */
  static final class ManagementUrl implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      URI uri;
      try {
        uri = new URI(value.trim());
      } catch (URISyntaxException e) {
        throw new TypeConversionException("'" + value + "' is not a URL (expected e.g. http://127.0.0.1:9080)");
      }
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new TypeConversionException("'" + value + "' is not an http:// or https:// URL (expected e.g. http://127.0.0.1:9080)");
      }
      if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new TypeConversionException("'" + value + "' must be http(s)://host[:port][/path] without query or fragment");
      }
      return uri;
    }
  }
}
