import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/**
 * What Kafka's compression costs per access-log event in a tight loop, and how small a batch gets:
 * 300 events shaped like the reference's (api/src/test/resources/reference/accesslog.json, each with
 * its own id, time and pgbench query) appended to a MemoryRecordsBuilder per codec, 2 s per codec,
 * the third round reported. A lower bound: in a proxy node the codec's tables compete with the relay
 * for the CPU caches. Usage (a JDK 17 single-file program on the proxy node's own jars):
 *   java -cp "$(ls proxy-node/target/quarkus-app/lib/main/*.jar | tr '\n' :)" bench/src/CompressionCost.java \
 *     api/src/test/resources/reference/accesslog.json
 */
public class CompressionCost {
    public static void main(String[] args) throws Exception {
        String template = Files.readString(Path.of(args[0])).replaceAll("\\s*\n\\s*", "");
        int n = 300;
        byte[][] events = new byte[n][];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            events[i] = template.replace("qz07-s8ho-pf8t84xm5rhqrmnpttybpspx-aqnp-rkeg", UUID.randomUUID().toString())
                    .replace("CREATE DATABASE db01;", "SELECT abalance FROM pgbench_accounts WHERE aid = "
                            + random.nextInt(1_000_000) + ";")
                    .replace("000522377", String.format("%09d", random.nextInt(1_000_000_000))).getBytes();
        }
        System.out.println("event: " + events[0].length + " bytes of JSON; a batch of " + n);
        Map<String, Compression> codecs = new LinkedHashMap<>();
        codecs.put("none", Compression.NONE);
        codecs.put("zstd", Compression.zstd().build());
        codecs.put("zstd-1", Compression.zstd().level(1).build());
        codecs.put("lz4", Compression.lz4().build());
        codecs.put("snappy", Compression.snappy().build());
        byte[] key = "dnm3-09gn-6rt58k768x9cns8fxbu1w54v-v446-a6fy".getBytes();
        for (int round = 1; round <= 3; round++) {
            for (var codec : codecs.entrySet()) {
                long start = System.nanoTime();
                int batches = 0;
                int size = 0;
                while (System.nanoTime() - start < 2_000_000_000L) {
                    MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1 << 20),
                            RecordBatch.CURRENT_MAGIC_VALUE, codec.getValue(), TimestampType.CREATE_TIME, 0L);
                    for (byte[] v : events) {
                        b.append(System.currentTimeMillis(), key, v);
                    }
                    b.close();
                    size = b.build().sizeInBytes();
                    batches++;
                }
                if (round == 3) {
                    System.out.printf("%-7s %5.2f us per event, %6.1f bytes per event in the batch%n", codec.getKey(),
                            (System.nanoTime() - start) / 1000.0 / ((double) batches * n), size / (double) n);
                }
            }
        }
    }
}
