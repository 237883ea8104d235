package io.bulwark.gateway.proxy;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** An immutable set of proxied routes, matched by the longest path prefix on a segment boundary. */
public final class RouteTable {
  private static final RouteTable EMPTY = new RouteTable(List.of());
  private final List<ProxyRoute> routes;
  /** Longest prefix first, so the first route that covers a path is the most specific one. */
  private final List<ProxyRoute> bySpecificity;

  private RouteTable(List<ProxyRoute> routes) {
    this.routes = List.copyOf(routes);
    this.bySpecificity = routes.stream()
        .sorted(Comparator.comparingInt((ProxyRoute r) -> r.pathPrefix().length()).reversed())
        .toList();
  }

  /**
   * Parses a routes file; the format follows {@code sourceName}'s extension ({@code .yaml}, {@code .yml} or
   * {@code .json}). {@code knownPolicy} says which rate-limit policy names exist.
   *
   * @throws RouteFileException listing every problem found, each naming the route and the field
   */
  public static RouteTable parse(String content, String sourceName, Predicate<String> knownPolicy) {
    return new RouteTable(new RouteParser(sourceName, knownPolicy).parse(content));
  }

  /** A table of routes already validated elsewhere; ids and prefixes must be unique. */
  public static RouteTable of(List<ProxyRoute> routes) {
    Set<String> ids = new HashSet<>();
    Set<String> prefixes = new HashSet<>();
    for (ProxyRoute r : routes) {
      if (!ids.add(r.id()) || !prefixes.add(r.pathPrefix())) {
        throw new IllegalArgumentException("duplicate route id or path prefix: " + r.id() + " " + r.pathPrefix());
      }
    }
    return new RouteTable(routes);
  }

  public static RouteTable empty() {
    return EMPTY;
  }

  /** The routes in file order. */
  public List<ProxyRoute> routes() {
    return routes;
  }

  public Optional<ProxyRoute> route(String id) {
    return routes.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /** The route with the longest prefix covering {@code normalizedPath}: {@code /api} covers {@code /api/x}, not {@code /apix}. */
  public Optional<ProxyRoute> match(String normalizedPath) {
    if (normalizedPath == null) {
      return Optional.empty();
    }
    for (ProxyRoute r : bySpecificity) {
      if (r.covers(normalizedPath)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
