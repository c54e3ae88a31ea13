// EPUBCheck in one JVM for a whole test run (tests/epubcheck_run.py starts it once per session, so
// that each EPUB costs its check, not a JVM start): one EPUB path per line on stdin, one line of
// JSON per path on stdout. It uses EPUBCheck's public API (EpubCheck, MasterReport) and, to group
// messages exactly as the `--json` report does, its CheckMessage and JsonWriter classes.
//
//   java -cp /path/to/epubcheck.jar EpubCheckServer.java
//
// (the jar's manifest Class-Path pulls in its lib/*.jar). The first stdout line is a greeting,
// {"ready":true,"version":"5.3.0"}; after that, each input line gets exactly one reply line:
//   {"path":..., "nFatal":n, "nError":n, "nWarning":n, "nInfo":n, "nUsage":n, "messages":[...]}
// or {"path":..., "error":"..."} if the check itself threw. "messages" holds EPUBCheck's own
// CheckMessage objects (ID, severity, message, additionalLocations, locations[path,line,column,
// context], suggestion), grouped and sorted exactly as in the "messages" of `--json report.json`.
// The n* counts are per occurrence, as in the CLI's "Messages: ..." summary line.
// Everything EPUBCheck (or anything else) prints to System.out goes to stderr instead.

import com.adobe.epubcheck.api.EPUBLocation;
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.api.MasterReport;
import com.adobe.epubcheck.messages.Message;
import com.adobe.epubcheck.reporting.CheckMessage;
import com.adobe.epubcheck.util.FeatureEnum;
import com.adobe.epubcheck.util.JsonWriter;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class EpubCheckServer {

  /** Keeps the messages in memory, grouped like CheckingReport (the --json report) does. */
  static final class MemoryReport extends MasterReport {
    final List<CheckMessage> messages = new ArrayList<>();

    @Override
    public void message(Message message, EPUBLocation location, Object... args) {
      CheckMessage.addCheckMessage(messages, message, location, args);
    }

    @Override
    public void info(String resource, FeatureEnum feature, String value) {}

    @Override
    public int generate() { return 0; }

    @Override
    public void initialize() {}
  }

  public static void main(String[] args) throws Exception {
    // Replies go to the real stdout; System.out is pointed at stderr before any EPUBCheck class loads.
    PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
    System.setOut(System.err);

    JsonWriter json = JsonWriter.createJsonWriter(false); // compact, non-ASCII escaped: one line
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("ready", true);
    hello.put("version", EpubCheck.version());
    reply(replies, json, hello);

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("path", line);
      if (line.isEmpty()) {
        out.put("error", "empty path");
        reply(replies, json, out);
        continue;
      }
      try {
        MemoryReport report = new MemoryReport();
        report.setEpubFileName(line);
        new EpubCheck(new java.io.File(line), report).doValidate();
        Collections.sort(report.messages);
        for (CheckMessage m : report.messages) m.sortLocations();
        out.put("nFatal", report.getFatalErrorCount());
        out.put("nError", report.getErrorCount());
        out.put("nWarning", report.getWarningCount());
        out.put("nInfo", report.getInfoCount());
        out.put("nUsage", report.getUsageCount());
        out.put("messages", report.messages);
      } catch (Throwable t) {
        out.keySet().retainAll(List.of("path"));
        out.put("error", t.toString());
        t.printStackTrace(System.err);
      }
      reply(replies, json, out);
    }
  }

  static void reply(PrintStream replies, JsonWriter json, Object value) throws Exception {
    StringWriter text = new StringWriter();
    json.writeJson(value, new PrintWriter(text));
    replies.print(text); // compact Jackson output: control characters inside strings are escaped
    replies.print('\n');
    replies.flush();
  }
}
