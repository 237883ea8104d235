package io.bulwark.gateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The memory tier's bound holds under contention and a batch that comes back keeps its place and order. */
class MemoryQueueTest {
  private static final AuditEvent EVENT =
      new AuditEvent("audit", null, "a", "auth.success", "success", null, null, null, new JsonObject());

  @Test
  void manyThreadsNeverOvershootTheBoundAndEveryRefusalIsReported() throws Exception {
    MemoryQueue q = new MemoryQueue(5000);
    int threads = 8;
    int each = 2000;
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger taken = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      all.add(new Thread(() -> {
        await(go);
        for (int i = 0; i < each; i++) {
          if (q.offer(new AppendRequest(id + ":" + i, EVENT))) {
            accepted.incrementAndGet();
          } else {
            refused.incrementAndGet();
          }
          assertTrue(q.size() <= 5000);
        }
      }));
    }
    // one consumer takes batches meanwhile, as the spool's context does
    Thread consumer = new Thread(() -> {
      await(go);
      for (int i = 0; i < 20; i++) {
        taken.addAndGet(q.take(300).size());
      }
    });
    all.add(consumer);
    all.forEach(Thread::start);
    go.countDown();
    for (Thread t : all) {
      t.join();
    }
    assertEquals(threads * each, accepted.get() + refused.get());
    assertEquals(accepted.get(), taken.get() + q.size(), "every accepted element is either taken or still queued");
    assertTrue(q.size() <= 5000);
    assertEquals(q.size(), q.take(Integer.MAX_VALUE).size());
  }

  @Test
  void aReturnedBatchGoesBackInFrontInOrderAsFarAsThereIsRoom() {
    MemoryQueue q = new MemoryQueue(10);
    for (int i = 0; i < 10; i++) {
      q.offer(new AppendRequest("r" + i, EVENT));
    }
    List<AppendRequest> batch = q.take(6);
    q.offer(new AppendRequest("new1", EVENT));
    q.offer(new AppendRequest("new2", EVENT));
    assertEquals(2, q.returnToHead(batch), "four places left: the oldest four of the batch get them");
    List<String> ids = q.take(100).stream().map(AppendRequest::idempotencyId).toList();
    assertEquals(List.of("r0", "r1", "r2", "r3", "r6", "r7", "r8", "r9", "new1", "new2"), ids);
    Set<String> unique = new HashSet<>(ids);
    assertEquals(ids.size(), unique.size());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
