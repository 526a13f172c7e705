package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    @Test
    void eventsCommentsAndMultiLineData() {
        List<String> got = new ArrayList<>();
        SseParser p = new SseParser((name, data) -> got.add(name + "|" + data));
        for (String line : List.of(
                ":subscribed",
                "",
                "id: e1",
                "event: accesslog",
                "data: {\"a\":1}",
                "",
                ": heartbeat",
                "",
                "data:x",
                "data: y",
                "",
                "event:other",
                "data:z",
                "")) {
            p.line(line);
        }
        assertEquals(List.of("accesslog|{\"a\":1}", "null|x\ny", "other|z"), got);
    }
}
