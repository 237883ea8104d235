package io.bulwark.alert.signal;

import java.util.List;

/** What one /metrics body yielded: its samples and how many lines could not be understood. */
public record ParsedScrape(List<Sample> samples, int junkLines) {

  public ParsedScrape {
    samples = List.copyOf(samples);
  }
}
