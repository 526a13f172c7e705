package dev.portcullis.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The attacker of {@link PendingHandshakesTest}, as its own process (the proxy under test shares
 * the test's JVM, and 10,000 sockets on each side would not fit one file-descriptor limit): opens
 * {@code count} connections from {@code source} and never finishes a startup. Half send nothing,
 * half the first 11 bytes of a StartupMessage.
 *
 * <p>Talks over stdin/stdout: prints {@code opened N MILLIS} once all are connected; answers
 * {@code check} with {@code alive N} (connections the proxy has neither answered nor closed);
 * closes everything and exits when stdin closes.
 *
 * <p>Usage: {@code StartupFlood HOST PORT SOURCE COUNT}
 */
public final class StartupFlood {
    /** Length 41, protocol 3.0, "use": a StartupMessage cut short. */
    private static final byte[] PARTIAL = {0, 0, 0, 41, 0, 3, 0, 0, 'u', 's', 'e'};

    private StartupFlood() {}

    public static void main(String[] args) throws IOException {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        InetSocketAddress source = new InetSocketAddress(args[2], 0);
        int count = Integer.parseInt(args[3]);
        long started = System.nanoTime();
        List<SocketChannel> open = new ArrayList<>(count);
        try (Selector selector = Selector.open()) {
            int begun = 0;
            int pending = 0;
            while (open.size() < count) {
                // a bounded number of connects in flight, so the listen backlog never overflows
                for (; begun < count && pending < 256; begun++, pending++) {
                    SocketChannel channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.bind(source);
                    if (channel.connect(target)) {
                        connected(channel, open);
                        pending--;
                    } else {
                        channel.register(selector, SelectionKey.OP_CONNECT);
                    }
                }
                selector.select(1_000);
                for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    SocketChannel channel = (SocketChannel) key.channel();
                    channel.finishConnect();
                    key.cancel();
                    connected(channel, open);
                    pending--;
                }
            }
            selector.selectNow(); // deregisters the cancelled keys
        }
        System.out.println("opened " + open.size() + " " + (System.nanoTime() - started) / 1_000_000);
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            if (line.equals("check")) {
                System.out.println("alive " + alive(open));
                System.out.flush();
            }
        }
        for (SocketChannel channel : open) {
            channel.close();
        }
    }

    private static void connected(SocketChannel channel, List<SocketChannel> open) throws IOException {
        if (open.size() % 2 == 1) {
            channel.write(ByteBuffer.wrap(PARTIAL));
        }
        open.add(channel);
    }

    /** Connections with nothing to read and not closed: the proxy still waits for their startup. */
    private static int alive(List<SocketChannel> open) {
        int alive = 0;
        ByteBuffer buffer = ByteBuffer.allocate(256);
        for (SocketChannel channel : open) {
            buffer.clear();
            try {
                if (channel.read(buffer) == 0) {
                    alive++;
                }
            } catch (IOException reset) {
                // closed by the proxy
            }
        }
        return alive;
    }
}
