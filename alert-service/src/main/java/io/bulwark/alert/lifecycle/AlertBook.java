package io.bulwark.alert.lifecycle;

import io.bulwark.alert.rules.Firing;
import io.bulwark.alert.rules.Inhibition;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert lifecycle: pending → firing → acknowledged → resolved, one open alert per fingerprint. Rule evaluations,
 * Alertmanager-style intake and operator actions all pass through one lane on one Vert.x context, so they never
 * interleave; each step's changes are committed in one transaction before they are announced. Silences and inhibitions
 * are applied after every step.
 */
public final class AlertBook {
  private static final Logger LOG = LoggerFactory.getLogger(AlertBook.class);
  private final Context context;
  private final AlertStore store;
  private final SilenceStore silences;
  private final AlertJournal journal;
  private final Duration externalResolveTimeout;
  private final int maxOpen;
  private final Map<String, AlertRow> open = new HashMap<>();
  private final Map<UUID, AlertRow> openById = new HashMap<>();
  private final InhibitionIndex inhibitions = new InhibitionIndex();
  private List<Silence> activeSilences = List.of();
  /** Set when every open alert's mute must be looked at again (silences changed, a reload, a periodic evaluation). */
  private boolean remuteAll = true;
  /** Longest time between two looks at every open alert's mute when nothing that mutes changed. */
  static final Duration FULL_REMUTE_EVERY = Duration.ofMinutes(5);
  private Instant lastFullRemute = Instant.EPOCH;
  private Future<?> lane = Future.succeededFuture();
  /** Intake batches waiting for the lane (touched on the book's context only). */
  private final List<Map.Entry<List<ExternalAlert>, Promise<Void>>> intake = new ArrayList<>();
  private long refusedForCapacity;

  public AlertBook(Context context, AlertStore store, SilenceStore silences, AlertJournal journal,
                   Duration externalResolveTimeout, int maxOpen) {
    this.context = context;
    this.store = store;
    this.silences = silences;
    this.journal = journal;
    this.externalResolveTimeout = externalResolveTimeout;
    this.maxOpen = maxOpen;
  }

  /** Loads the open alerts and the silences; a restart goes on from where the last run stopped. */
  public Future<Void> start() {
    return serial(this::reload);
  }

  private Future<Void> reload() {
    return store.loadOpen().compose(rows -> {
      open.clear();
      openById.clear();
      rows.forEach(this::track);
      remuteAll = true;
      return refreshSilences(Instant.now());
    });
  }

  /** Applies one evaluation of the rules at {@code now}. */
  public Future<Void> evaluate(List<Firing> firings, List<Inhibition> inhibitionRules, Instant now) {
    return evaluate(firings, inhibitionRules, Set.of(), now);
  }

  /**
   * Applies one evaluation; alerts of the {@code failedRules} are kept as they are: a rule that could not be evaluated
   * said nothing about its condition, and resolving its alerts would announce a recovery nobody saw.
   */
  public Future<Void> evaluate(List<Firing> firings, List<Inhibition> inhibitionRules, Set<String> failedRules, Instant now) {
    return serial(() -> refreshSilences(now).compose(x -> {
      inhibitions.use(inhibitionRules, open.values());
      // every mute depends only on the silences, the inhibition rules and sources (each change of those re-mutes every
      // open alert) and the alert's own labels and state (re-muted when it changes); a slow full look besides, so that
      // even a mistake there cannot keep an alert wrongly muted for long — a look at every open alert at every
      // evaluation cost a flood of 200 000 open alerts seconds of the lane
      if (now.isAfter(lastFullRemute.plus(FULL_REMUTE_EVERY)) || now.isBefore(lastFullRemute)) {
        remuteAll = true;
      }
      Step step = new Step(now);
      Set<String> seen = new HashSet<>();
      for (Firing f : firings) {
        String fp = Fingerprints.of(f.labels());
        if (!seen.add(fp)) {
          continue;
        }
        AlertRow a = open.get(fp);
        if (a == null) {
          if (open.size() >= maxOpen) {
            refusedForCapacity++;
            continue;
          }
          boolean immediate = f.forDuration().isZero() || f.forDuration().isNegative();
          a = new AlertRow(UUID.randomUUID(), fp, f.rule(), AlertRow.RULE, f.severity(), f.labels(), f.annotations(),
              f.value(), immediate ? AlertRow.FIRING : AlertRow.PENDING, now, now);
          a.forDuration = f.forDuration();
          if (immediate) {
            a.firingAt = now;
          }
          step.inserted(a, null);
        } else {
          a.forDuration = f.forDuration();
          a.annotations = f.annotations();
          a.value = f.value();
          if (AlertRow.PENDING.equals(a.state) && !now.isBefore(a.activeAt.plus(a.forDuration))) {
            a.state = AlertRow.FIRING;
            a.firingAt = now;
            step.changed(a, null);
          } else {
            step.refreshed(a);
          }
        }
      }
      // found first, changed after: a change takes the alert out of the open map being walked (and copying that map
      // at every evaluation was most of this loop's cost with a flood's alerts open)
      List<AlertRow> ending = new ArrayList<>();
      for (AlertRow a : open.values()) {
        if ((AlertRow.RULE.equals(a.source) && !seen.contains(a.fingerprint) && !failedRules.contains(a.rule))
            || (AlertRow.EXTERNAL.equals(a.source) && a.endsAt != null && !now.isBefore(a.endsAt))) {
          ending.add(a);
        }
      }
      for (AlertRow a : ending) {
        boolean expired = AlertRow.EXTERNAL.equals(a.source);
        resolve(a, "auto", expired ? "not refreshed by its sender before " + a.endsAt : null, now);
        step.changed(a, null);
      }
      return step.commit();
    }));
  }

  /**
   * Alerts sent to our Alertmanager-compatible intake; ones whose {@code endsAt} has passed resolve theirs. Batches
   * that arrive while the lane is busy are taken together in one step and one transaction (a group commit), so many
   * small posts cost about what one large post does.
   */
  public Future<Void> receive(List<ExternalAlert> alerts, Instant now) {
    Promise<Void> taken = Promise.promise();
    context.runOnContext(v -> {
      intake.add(Map.entry(alerts, taken));
      if (intake.size() == 1) {
        serial(this::takeQueued);
      }
    });
    return taken.future();
  }

  private Future<Void> takeQueued() {
    List<Map.Entry<List<ExternalAlert>, Promise<Void>>> batches = List.copyOf(intake);
    intake.clear();
    Instant now = Instant.now();
    Step step = new Step(now);
    int[] refused = new int[batches.size()];
    for (int i = 0; i < batches.size(); i++) {
      refused[i] = take(step, batches.get(i).getKey(), now);
    }
    return step.commit().onComplete(ar -> {
      for (int i = 0; i < batches.size(); i++) {
        Promise<Void> p = batches.get(i).getValue();
        if (ar.failed()) {
          p.fail(ar.cause());
        } else if (refused[i] > 0) {
          refusedForCapacity += refused[i];
          p.fail(new ApiException(503, ErrorCodes.ALERT_UNAVAILABLE, refused[i] + " new alert(s) refused: " + maxOpen
              + " alerts are open, the most this instance keeps"));
        } else {
          p.complete();
        }
      }
    }).otherwiseEmpty();
  }

  /** Applies one batch to the step; the number of new alerts refused because too many are open. */
  private int take(Step step, List<ExternalAlert> alerts, Instant now) {
    int refused = 0;
    for (ExternalAlert e : alerts) {
      String fp = Fingerprints.of(e.labels());
      AlertRow a = open.get(fp);
      boolean ended = e.endsAt() != null && !now.isBefore(e.endsAt());
      Instant endsAt = e.endsAt() != null ? e.endsAt() : now.plus(externalResolveTimeout);
      if (a == null) {
        if (ended) {
          continue;
        }
        if (open.size() >= maxOpen) {
          refused++;
          continue;
        }
        Instant started = e.startsAt() != null && e.startsAt().isBefore(now) ? e.startsAt() : now;
        a = new AlertRow(UUID.randomUUID(), fp, e.labels().getOrDefault("alertname", "external"), AlertRow.EXTERNAL,
            e.severity(), e.labels(), e.annotations(), Double.NaN, AlertRow.FIRING, started, now);
        a.firingAt = now;
        a.endsAt = endsAt;
        step.inserted(a, null);
      } else if (ended) {
        resolve(a, "source", null, now);
        step.changed(a, null);
      } else if (!a.annotations.equals(e.annotations())
          || a.endsAt == null || Math.abs(Duration.between(a.endsAt, endsAt).toSeconds()) >= 60) {
        // a sender repeats its firing alerts every evaluation: only a real change or a moved deadline is written
        a.annotations = e.annotations();
        a.endsAt = endsAt;
        step.refreshed(a);
      } else {
        a.endsAt = endsAt.isAfter(a.endsAt) ? endsAt : a.endsAt;
      }
    }
    return refused;
  }

  public Future<AlertRow> acknowledge(UUID id, String actor, String comment, Instant now) {
    return serial(() -> openOrExplain(id, "acknowledged").compose(a -> {
      if (AlertRow.ACKNOWLEDGED.equals(a.state)) {
        return Future.succeededFuture(a);
      }
      if (AlertRow.PENDING.equals(a.state)) {
        return Future.failedFuture(new ApiException(409, ErrorCodes.ALERT_STATE,
            "alert " + id + " is pending (its condition has not held for its 'for' yet); only a firing alert can be acknowledged"));
      }
      a.state = AlertRow.ACKNOWLEDGED;
      a.acknowledgedAt = now;
      a.acknowledgedBy = actor;
      a.comment = comment;
      Step step = new Step(now);
      step.changed(a, actor);
      return step.commit().map(a);
    }));
  }

  public Future<AlertRow> resolve(UUID id, String actor, String comment, Instant now) {
    return serial(() -> openOrExplain(id, "resolved").compose(a -> {
      resolve(a, actor, comment, now);
      Step step = new Step(now);
      step.changed(a, actor);
      return step.commit().map(a);
    }));
  }

  /** Stores a silence and applies it at once. */
  public Future<Silence> addSilence(Silence s) {
    return serial(() -> silences.insert(s).compose(stored -> remute(s.createdAt()).map(stored)));
  }

  /** Ends a silence now and lifts it at once; empty when there is no such silence. */
  public Future<java.util.Optional<Silence>> expireSilence(UUID id, String actor, Instant now) {
    return serial(() -> silences.expire(id, actor, now).compose(s -> remute(now).map(s)));
  }

  private Future<Void> remute(Instant now) {
    return refreshSilences(now).compose(x -> {
      remuteAll = true;
      return new Step(now).commit();
    });
  }

  /** Open alerts by severity and state, for reports; read from memory, so it costs no query. */
  public Future<io.vertx.core.json.JsonObject> summary() {
    return serial(() -> Future.succeededFuture(AlertSummary.of(open.values())));
  }

  /** A copy of the open alerts; safe from any thread. */
  public synchronized List<AlertRow> openSnapshot() {
    return List.copyOf(open.values());
  }

  /** Open alerts by {@code state|severity}, and the muted ones (see {@link AlertSummary#counts}); safe from any thread. */
  public synchronized Map<String, Long> openCounts() {
    return AlertSummary.counts(open.values());
  }

  public synchronized long refusedForCapacity() {
    return refusedForCapacity;
  }

  private Future<AlertRow> openOrExplain(UUID id, String wanted) {
    AlertRow a = openById.get(id);
    if (a != null) {
      return Future.succeededFuture(a);
    }
    return store.find(id).compose(found -> found.isEmpty()
        ? Future.failedFuture(new ApiException(404, ErrorCodes.ALERT_NOT_FOUND, "no alert " + id))
        : Future.failedFuture(new ApiException(409, ErrorCodes.ALERT_STATE,
            "alert " + id + " is already resolved (" + found.get().resolvedAt + " by " + found.get().resolvedBy
                + "); it cannot be " + wanted)));
  }

  private static void resolve(AlertRow a, String by, String comment, Instant now) {
    a.state = AlertRow.RESOLVED;
    a.resolvedAt = now;
    a.resolvedBy = by;
    if (comment != null) {
      a.comment = comment;
    }
  }

  private Future<Void> refreshSilences(Instant now) {
    return silences.list(true, now, 10_000).map(list -> {
      List<Silence> active = list.stream().filter(s -> s.activeAt(now)).toList();
      // by id and end: a matcher's compiled pattern has no equality, and a silence's matchers never change
      if (!active.stream().map(x -> x.id() + "@" + x.endsAt()).toList()
          .equals(activeSilences.stream().map(x -> x.id() + "@" + x.endsAt()).toList())) {
        remuteAll = true; // one started, ended or changed, here or by another instance
      }
      activeSilences = active;
      return null;
    });
  }

  private synchronized void track(AlertRow a) {
    inhibitions.update(a);
    if (a.open()) {
      open.put(a.fingerprint, a);
      openById.put(a.id, a);
    } else {
      open.remove(a.fingerprint);
      openById.remove(a.id);
    }
  }

  /** Runs {@code work} on the book's context after everything queued before it. */
  private <T> Future<T> serial(Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      Future<T> f = lane.transform(ignored -> {
        try {
          return work.get();
        } catch (RuntimeException e) {
          return Future.failedFuture(e);
        }
      });
      lane = f;
      f.onComplete(result);
    });
    return result.future();
  }

  /** The changes of one step: written together, then announced; on a failed write memory is reloaded from the table. */
  private final class Step {
    private final Instant now;
    private final List<AlertRow> inserted = new ArrayList<>();
    private final Map<UUID, AlertRow> updated = new HashMap<>();
    private final List<Map.Entry<AlertRow, String>> announce = new ArrayList<>();
    private final List<AlertRow> touched = new ArrayList<>();
    private final java.util.Set<UUID> insertedIds = new java.util.HashSet<>();

    Step(Instant now) {
      this.now = now;
    }

    void inserted(AlertRow a, String actor) {
      a.updatedAt = now;
      inserted.add(a);
      insertedIds.add(a.id);
      touched.add(a);
      announce.add(Map.entry(a, actor == null ? AlertJournal.ACTOR : actor));
      track(a);
    }

    void changed(AlertRow a, String actor) {
      a.version++;
      refreshed(a);
      announce.add(Map.entry(a, actor == null ? AlertJournal.ACTOR : actor));
      track(a);
    }

    void refreshed(AlertRow a) {
      a.updatedAt = now;
      if (insertedIds.contains(a.id)) {
        return; // its row is written from its state at commit
      }
      if (updated.put(a.id, a) == null) {
        touched.add(a);
      }
    }

    Future<Void> commit() {
      applyMutes();
      List<AlertRow> resolvedNow = announce.stream().map(Map.Entry::getKey).filter(a -> !a.open()).toList();
      return store.write(inserted, List.copyOf(updated.values())).recover(err -> {
        LOG.error("could not store alert changes; reloading the open alerts from the database: {}", err.getMessage());
        return reload().transform(ar -> Future.failedFuture(err));
      }).map(x -> {
        journal.changed(announce);
        if (!announce.isEmpty() || !resolvedNow.isEmpty() || mutesChanged) {
          journal.nudge();
        }
        return null;
      });
    }

    private boolean mutesChanged;

    /**
     * Silences and inhibitions, on what this step touched — or on every open alert when the sources of inhibitions or
     * the silences changed, or a periodic evaluation asks for it.
     */
    private void applyMutes() {
      boolean all = remuteAll | inhibitions.takeSourcesChanged();
      remuteAll = false;
      if (all) {
        lastFullRemute = now;
      }
      for (AlertRow a : all ? List.copyOf(open.values()) : List.copyOf(touched)) {
        if (!a.open()) {
          continue;
        }
        UUID silence = null;
        for (Silence s : activeSilences) {
          if (s.matches(a.labels)) {
            silence = s.id();
            break;
          }
        }
        boolean inhibited = inhibitions.inhibited(a);
        if (!java.util.Objects.equals(silence, a.silencedBy) || inhibited != a.inhibited) {
          a.silencedBy = silence;
          a.inhibited = inhibited;
          a.version++;
          refreshed(a);
          mutesChanged = true;
        }
      }
    }
  }
}
