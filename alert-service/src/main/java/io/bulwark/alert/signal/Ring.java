package io.bulwark.alert.signal;

/**
 * A bounded time series of (epoch millis, value) points in arrival order; the oldest point makes room for a new one once
 * {@code capacity} is reached. Grows from a small start so that short-lived series cost little.
 */
final class Ring {
  private final int capacity;
  private long[] times;
  private double[] values;
  private int head; // index of the oldest point
  private int size;

  Ring(int capacity) {
    this.capacity = Math.max(2, capacity);
    this.times = new long[Math.min(16, this.capacity)];
    this.values = new double[times.length];
  }

  void add(long t, double v) {
    if (size == times.length && size < capacity) {
      grow();
    }
    if (size == times.length) {
      times[head] = t;
      values[head] = v;
      head = (head + 1) % times.length;
      return;
    }
    int idx = (head + size) % times.length;
    times[idx] = t;
    values[idx] = v;
    size++;
  }

  private void grow() {
    int n = Math.min(capacity, times.length * 2);
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < size; i++) {
      t[i] = times[(head + i) % times.length];
      v[i] = values[(head + i) % values.length];
    }
    times = t;
    values = v;
    head = 0;
  }

  int size() {
    return size;
  }

  long time(int i) {
    return times[(head + i) % times.length];
  }

  double value(int i) {
    return values[(head + i) % values.length];
  }

  /** Index of the newest point at or before {@code t}, or -1 when every point is later. Binary search: times ascend. */
  int atOrBefore(long t) {
    int lo = 0;
    int hi = size - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (time(mid) <= t) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops points older than {@code t}, but keeps the newest of them as the base a window starting at t needs. */
  void trimBefore(long t) {
    while (size > 1 && time(1) <= t) {
      head = (head + 1) % times.length;
      size--;
    }
  }
}
