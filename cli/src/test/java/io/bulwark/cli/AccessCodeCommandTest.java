package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AccessCodeCommandTest {
  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BulwarkCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  @Test
  void eachRunMakesANewCodeAndTheEntryHoldsOnlyItsHash() {
    String[] first = run("access-code", "--name", "fca");
    String[] second = run("access-code", "--name", "fca");
    assertEquals("0", first[0], first[2]);
    String code = first[1].lines().findFirst().orElseThrow().replaceAll(".*: ", "");
    assertTrue(code.matches("([a-z2-9]{5}-){5}[a-z2-9]{5}"), code);
    assertTrue(first[1].contains("fca:" + AccessCodeCommand.sha256Hex(code)), first[1]);
    assertEquals(1, first[1].split(code, -1).length - 1, "the code is printed once, and not inside the entry");
    assertNotEquals(first[1], second[1]);
  }

  @Test
  void aBadNameIsOneLineAndExitTwo() {
    String[] r = run("access-code", "--name", "not a name");
    assertEquals("2", r[0]);
    assertEquals(1, r[2].strip().lines().count(), r[2]);
    assertTrue(r[2].startsWith("bulwark access-code:"), r[2]);
    assertEquals("2", run("access-code")[0], "--name is required");
  }
}
