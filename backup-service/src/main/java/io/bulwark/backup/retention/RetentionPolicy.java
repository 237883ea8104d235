package io.bulwark.backup.retention;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * How many backups to keep, grandfather-father-son style: the newest {@code keepLast}, plus the newest backup of each
 * of the last {@code keepDaily} days, {@code keepWeekly} ISO weeks and {@code keepMonthly} months that have backups
 * (calendar in UTC).
 */
public record RetentionPolicy(int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {
  public RetentionPolicy {
    if (keepLast < 1) {
      throw new IllegalArgumentException("keepLast must be at least 1, not " + keepLast);
    }
    if (keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
      throw new IllegalArgumentException("keepDaily, keepWeekly and keepMonthly must not be negative: "
          + keepDaily + ", " + keepWeekly + ", " + keepMonthly);
    }
  }

  /** Seven most recent, seven days, four weeks, twelve months. */
  public static RetentionPolicy defaults() {
    return new RetentionPolicy(7, 7, 4, 12);
  }

  /**
   * Decides which of {@code backups} (finished ones; ids unique) to keep.
   *
   * <p>Sorted newest first (ties by id, descending), the newest {@code keepLast} are kept as {@code "last 1"} (the
   * newest) to {@code "last N"}. Then for days, ISO weeks ({@code IsoFields.WEEK_BASED_YEAR} and
   * {@code WEEK_OF_WEEK_BASED_YEAR}) and months in turn, walking newest to oldest, the first backup seen in each
   * distinct period is kept until that many periods are kept. Periods without backups do not count, and one backup
   * may be kept for several reasons.
   *
   * <p>Unverified backups compete for these slots like any other: the policy picks by time alone, and two safety rules
   * that override it make sure a verified copy always survives. (1) The newest verified backup is always kept
   * ({@code "newest verified"}). (2) A backup is deleted only when a newer backup is verified; one that the policy
   * would drop without that is kept as {@code "no newer verified backup"}. So with no verified backup nothing is
   * deleted, and everything newer than the newest verified backup is kept.
   */
  public Decision plan(List<Candidate> backups) {
    Objects.requireNonNull(backups, "backups");
    Set<String> ids = new HashSet<>();
    for (Candidate c : backups) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException("backup id " + c.id() + " appears twice");
      }
    }
    List<Candidate> newestFirst = new ArrayList<>(backups);
    newestFirst.sort(Comparator.comparing(Candidate::finishedAt).thenComparing(Candidate::id).reversed());

    Map<String, List<String>> reasons = new LinkedHashMap<>();
    newestFirst.forEach(c -> reasons.put(c.id(), new ArrayList<>()));
    for (int i = 0; i < Math.min(keepLast, newestFirst.size()); i++) {
      reasons.get(newestFirst.get(i).id()).add("last " + (i + 1));
    }
    generation(newestFirst, keepDaily, "daily ", c -> day(c).toString(), reasons);
    generation(newestFirst, keepWeekly, "weekly ", RetentionPolicy::isoWeek, reasons);
    generation(newestFirst, keepMonthly, "monthly ", c -> YearMonth.from(day(c)).toString(), reasons);

    newestFirst.stream().filter(Candidate::verified).findFirst()
        .ifPresent(c -> reasons.get(c.id()).add("newest verified"));
    boolean newerVerified = false;
    for (Candidate c : newestFirst) {
      List<String> why = reasons.get(c.id());
      if (why.isEmpty() && !newerVerified) {
        why.add("no newer verified backup");
      }
      newerVerified |= c.verified();
    }

    Map<String, List<String>> keep = new LinkedHashMap<>();
    List<String> delete = new ArrayList<>();
    reasons.forEach((id, why) -> {
      if (why.isEmpty()) {
        delete.add(id);
      } else {
        keep.put(id, why);
      }
    });
    Collections.reverse(delete);
    return new Decision(keep, delete);
  }

  private static void generation(List<Candidate> newestFirst, int periods, String label,
      Function<Candidate, String> periodOf, Map<String, List<String>> reasons) {
    Set<String> seen = new HashSet<>();
    for (Candidate c : newestFirst) {
      if (seen.size() == periods) {
        return;
      }
      String period = periodOf.apply(c);
      // newest first, so the first backup met in a period is that period's newest
      if (seen.add(period)) {
        reasons.get(c.id()).add(label + period);
      }
    }
  }

  private static LocalDate day(Candidate c) {
    return LocalDate.ofInstant(c.finishedAt(), ZoneOffset.UTC);
  }

  private static String isoWeek(Candidate c) {
    LocalDate day = day(c);
    return String.format(Locale.ROOT, "%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
  }
}
