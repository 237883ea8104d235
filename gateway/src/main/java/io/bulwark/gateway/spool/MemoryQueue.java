package io.bulwark.gateway.spool;

import io.bulwark.shared.bus.AppendRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded in-memory tier: many event loops offer at once, one context takes batches. Lock-free, so an offer never
 * waits on another thread; the size is reserved before the element is linked so the bound holds under contention.
 */
final class MemoryQueue {
  private final ConcurrentLinkedDeque<AppendRequest> items = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  MemoryQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Appends at the tail; false when the queue is at its bound. */
  boolean offer(AppendRequest request) {
    if (reserve(1) == 0) {
      return false;
    }
    items.offerLast(request);
    return true;
  }

  /** Up to {@code max} of the oldest events, removed. */
  List<AppendRequest> take(int max) {
    List<AppendRequest> out = new ArrayList<>(Math.min(max, Math.max(size.get(), 1)));
    while (out.size() < max) {
      AppendRequest r = items.pollFirst();
      if (r == null) {
        break;
      }
      size.decrementAndGet();
      out.add(r);
    }
    return out;
  }

  /**
   * Puts a batch back in front, in its order, as far as there is room; the oldest events get the room. Returns how
   * many did not fit.
   */
  int returnToHead(List<AppendRequest> batch) {
    int fit = reserve(batch.size());
    for (int i = fit - 1; i >= 0; i--) {
      items.offerFirst(batch.get(i));
    }
    return batch.size() - fit;
  }

  int size() {
    return size.get();
  }

  int capacity() {
    return capacity;
  }

  /** Claims room for up to {@code wanted} elements; returns how many were claimed. */
  private int reserve(int wanted) {
    while (true) {
      int now = size.get();
      int granted = Math.min(wanted, capacity - now);
      if (granted <= 0) {
        return 0;
      }
      if (size.compareAndSet(now, now + granted)) {
        return granted;
      }
    }
  }
}
