package io.bulwark.shared.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Writes {@code service} and {@code requestId} from the Vert.x context of the logging thread. The console appender is
 * synchronous, so this runs on the thread that logged.
 */
public final class ContextFieldsJsonProvider extends AbstractJsonProvider<ILoggingEvent> {
  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    String service = event.getMDCPropertyMap().get("service");
    generator.writeStringField("service", service != null ? service : LogContext.service());
    String requestId = LogContext.requestId();
    if (requestId != null) {
      generator.writeStringField("requestId", requestId);
    }
  }
}
