package io.bulwark.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static final LocalDate LAST_DAY = LocalDate.parse("2026-11-23");

  @Test
  void fourHundredDailyBackupsKeepExactlyTheGenerations() {
    List<Candidate> backups = daily(LAST_DAY.minusDays(399), 400, c -> true);
    Decision decision = RetentionPolicy.defaults().plan(backups);

    Set<String> expected = new TreeSet<>();
    expected.addAll(newestPerPeriod(backups, c -> "all-" + c.id(), 7));
    expected.addAll(newestPerPeriod(backups, c -> day(c).toString(), 7));
    expected.addAll(newestPerPeriod(backups, c -> day(c).get(IsoFields.WEEK_BASED_YEAR) * 100
        + day(c).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) + "", 4));
    expected.addAll(newestPerPeriod(backups, c -> YearMonth.from(day(c)).toString(), 12));
    assertEquals(expected, new TreeSet<>(decision.keep().keySet()));
    assertEquals(20, decision.keep().size(), "7 days, 2 more Sundays, 11 more month ends");
    assertEquals(400 - 20, decision.delete().size());

    assertEquals(List.of("last 1", "daily 2026-11-23", "weekly 2026-W48", "monthly 2026-11", "newest verified"),
        decision.keep().get("2026-11-23"));
    assertEquals(List.of("last 2", "daily 2026-11-22", "weekly 2026-W47"), decision.keep().get("2026-11-22"));
    assertEquals(List.of("weekly 2026-W45"), decision.keep().get("2026-11-08"));
    assertEquals(List.of("monthly 2026-02"), decision.keep().get("2026-02-28"));
    assertEquals(List.of("monthly 2025-12"), decision.keep().get("2025-12-31"));
    assertTrue(decision.delete().contains("2025-11-30"), "the thirteenth month is gone");
    assertTrue(decision.delete().contains("2026-11-16"), "the eighth day is gone");
    assertEquals("2025-10-20", decision.delete().get(0), "deletions oldest first");
    assertEquals("2026-11-16", decision.delete().get(decision.delete().size() - 1), "newest deleted: W47's Monday");
    assertEquals("2026-11-23", decision.keep().keySet().iterator().next(), "kept newest first");
  }

  @Test
  void theInputOrderDoesNotMatter() {
    List<Candidate> backups = daily(LAST_DAY.minusDays(99), 100, c -> true);
    Decision sorted = RetentionPolicy.defaults().plan(backups);
    List<Candidate> shuffled = new ArrayList<>(backups);
    Collections.shuffle(shuffled, new Random(7));
    assertEquals(sorted, RetentionPolicy.defaults().plan(shuffled));
  }

  @Test
  void dailyKeepsTheNewestBackupOfEachDay() {
    List<Candidate> hourly = new ArrayList<>();
    Instant start = Instant.parse("2026-11-21T00:30:00Z");
    for (int h = 0; h < 72; h++) {
      Instant at = start.plus(Duration.ofHours(h));
      hourly.add(new Candidate(at.toString(), at, true));
    }
    Decision decision = new RetentionPolicy(1, 3, 0, 0).plan(hourly);
    assertEquals(List.of("2026-11-23T23:30:00Z", "2026-11-22T23:30:00Z", "2026-11-21T23:30:00Z"),
        List.copyOf(decision.keep().keySet()));
    assertEquals(List.of("last 1", "daily 2026-11-23", "newest verified"), decision.keep().get("2026-11-23T23:30:00Z"));
    assertEquals(List.of("daily 2026-11-21"), decision.keep().get("2026-11-21T23:30:00Z"));
    assertEquals(69, decision.delete().size());
    assertEquals("2026-11-21T00:30:00Z", decision.delete().get(0));
  }

  @Test
  void weeksFollowTheIsoWeekBasedYearAcrossNewYear() {
    List<Candidate> backups = daily(LocalDate.parse("2025-12-20"), 14, c -> true);
    Decision decision = new RetentionPolicy(1, 0, 2, 0).plan(backups);
    assertEquals(Map.of("2026-01-02", List.of("last 1", "weekly 2026-W01", "newest verified"),
        "2025-12-28", List.of("weekly 2025-W52")), decision.keep());
  }

  @Test
  void withoutAnyVerifiedBackupNothingIsDeleted() {
    List<Candidate> backups = daily(LAST_DAY.minusDays(59), 60, c -> false);
    Decision decision = RetentionPolicy.defaults().plan(backups);
    assertEquals(List.of(), decision.delete());
    assertEquals(60, decision.keep().size());
    assertEquals(List.of("no newer verified backup"), decision.keep().get("2026-11-10"));
  }

  @Test
  void whenOnlyTheOldestIsVerifiedEverythingIsKept() {
    LocalDate first = LAST_DAY.minusDays(29);
    List<Candidate> backups = daily(first, 30, c -> c.id().equals(first.toString()));
    Decision decision = new RetentionPolicy(1, 0, 0, 0).plan(backups);
    // the oldest is the newest verified one, and nothing newer is verified, so nothing may go
    assertEquals(List.of(), decision.delete());
    assertEquals(List.of("newest verified"), decision.keep().get(first.toString()));
    assertEquals(List.of("no newer verified backup"), decision.keep().get(LAST_DAY.minusDays(1).toString()));
  }

  @Test
  void onlyBackupsOlderThanAVerifiedOneMayGo() {
    LocalDate verified = LAST_DAY.minusDays(10);
    Decision decision = new RetentionPolicy(1, 0, 0, 0).plan(daily(LAST_DAY.minusDays(29), 30,
        c -> c.id().equals(verified.toString())));
    assertEquals(11, decision.keep().size(), "the newest ten unverified ones and the verified one");
    assertEquals(List.of("newest verified"), decision.keep().get(verified.toString()));
    assertEquals(19, decision.delete().size());
    assertTrue(decision.delete().stream().allMatch(id -> LocalDate.parse(id).isBefore(verified)));
  }

  @Test
  void theNewestVerifiedSurvivesOutsideEveryGeneration() {
    Decision decision = new RetentionPolicy(1, 0, 0, 0).plan(daily(LAST_DAY.minusDays(9), 10,
        c -> !c.id().equals(LAST_DAY.toString())));
    assertEquals(Map.of(LAST_DAY.toString(), List.of("last 1"),
        LAST_DAY.minusDays(1).toString(), List.of("newest verified")), decision.keep());
    assertEquals(8, decision.delete().size());
  }

  @Test
  void emptyInputAndOneBackup() {
    assertEquals(new Decision(Map.of(), List.of()), RetentionPolicy.defaults().plan(List.of()));
    Candidate only = new Candidate("b", Instant.parse("2026-11-23T02:00:00Z"), false);
    assertEquals(Map.of("b", List.of("last 1", "daily 2026-11-23", "weekly 2026-W48", "monthly 2026-11")),
        RetentionPolicy.defaults().plan(List.of(only)).keep());
  }

  @Test
  void invalidPoliciesAndInputsAreRefused() {
    assertEquals(new RetentionPolicy(7, 7, 4, 12), RetentionPolicy.defaults());
    new RetentionPolicy(1, 0, 0, 0);
    assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(0, 7, 4, 12));
    assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(-1, 7, 4, 12));
    assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(7, -1, 4, 12));
    assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(7, 7, -1, 12));
    assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(7, 7, 4, -1));
    Instant now = Instant.now();
    assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.defaults().plan(
        List.of(new Candidate("a", now, true), new Candidate("a", now.minusSeconds(1), true))));
    assertThrows(NullPointerException.class, () -> new Candidate("a", null, true));
  }

  /** One backup a day at 02:00 UTC, named by its date. */
  private static List<Candidate> daily(LocalDate first, int days, Function<Candidate, Boolean> verified) {
    List<Candidate> backups = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      LocalDate date = first.plusDays(i);
      Candidate plain = new Candidate(date.toString(), date.atTime(2, 0).toInstant(ZoneOffset.UTC), false);
      backups.add(new Candidate(plain.id(), plain.finishedAt(), verified.apply(plain)));
    }
    return backups;
  }

  /** The brute-force reading of a generation: newest backup per period, of the most recent {@code n} periods. */
  private static Set<String> newestPerPeriod(List<Candidate> backups, Function<Candidate, String> period, int n) {
    TreeMap<Instant, String> newestByPeriodStart = new TreeMap<>();
    Map<String, Candidate> newest = backups.stream().collect(Collectors.toMap(period, c -> c,
        (a, b) -> a.finishedAt().isAfter(b.finishedAt()) ? a : b));
    newest.values().forEach(c -> newestByPeriodStart.put(c.finishedAt(), c.id()));
    return newestByPeriodStart.descendingMap().values().stream().limit(n).collect(Collectors.toSet());
  }

  private static LocalDate day(Candidate c) {
    return LocalDate.ofInstant(c.finishedAt(), ZoneOffset.UTC);
  }
}
