package io.bulwark.shared.test;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures the JSON log lines exactly as the production encoder writes them (same encoder instance as the console
 * appender), so tests assert on what an operator would read.
 */
public final class LogCapture implements AutoCloseable {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
  private final Logger root;

  @SuppressWarnings("unchecked")
  public LogCapture() {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> console = root.getAppender("JSON");
    Encoder<ILoggingEvent> encoder = ((OutputStreamAppender<ILoggingEvent>) console).getEncoder();
    appender.setContext(lc);
    appender.setName("capture");
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.setImmediateFlush(true);
    appender.start();
    root.addAppender(appender);
  }

  /** Every captured line, parsed. */
  public synchronized List<JsonObject> lines() {
    List<JsonObject> list = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        list.add(new JsonObject(line));
      }
    }
    return list;
  }

  public String raw() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
