import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N idle PostgreSQL sessions (protocol 3.0, cleartext password as Portcullis asks for the
 * access token; SCRAM/MD5 are not needed here) and holds them until stdin closes. Prints
 * "open <n>" when they are all up (or "failed <n> open: <error>" at the first refusal).
 * Usage: PGPASSWORD=... java IdleSessions.java HOST PORT USER DATABASE COUNT [THREADS]
 * (a JDK 17 single-file program: no build, no dependency). The password (the access token) comes
 * from the environment, as libpq takes it, not from the command line that any user can list.
 */
public class IdleSessions {
    public static void main(String[] a) throws Exception {
        String host = a[0], user = a[2], db = a[3], password = System.getenv("PGPASSWORD");
        if (password == null) {
            throw new IllegalArgumentException("PGPASSWORD is not set");
        }
        int port = Integer.parseInt(a[1]), count = Integer.parseInt(a[4]);
        int threads = a.length > 5 ? Integer.parseInt(a[5]) : 8;
        List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> jobs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            jobs.add(pool.submit(() -> {
                if (failures.get() > 0) {
                    return null;
                }
                Socket s = new Socket(host, port);
                try {
                    login(s, user, db, password);
                    open.add(s);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    if (failures.getAndIncrement() == 0) {
                        System.out.println("failed " + open.size() + " open: " + e.getMessage());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            try {
                f.get();
            } catch (Exception e) {
                if (failures.getAndIncrement() == 0) {
                    System.out.println("failed " + open.size() + " open: " + e.getCause());
                }
            }
        }
        pool.shutdown();
        System.out.printf("open %d in %.1f s%n", open.size(), (System.nanoTime() - t0) / 1e9);
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the sessions until the caller closes our stdin
        }
        for (Socket s : open) {
            s.close();
        }
    }

    private static void login(Socket s, String user, String db, String password) throws IOException {
        s.setSoTimeout(30_000);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] params = ("user\0" + user + "\0database\0" + db + "\0application_name\0idle-sessions\0\0")
                .getBytes(StandardCharsets.UTF_8);
        out.writeInt(8 + params.length);
        out.writeInt(196608);
        out.write(params);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        while (true) {
            byte tag = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            switch (tag) {
                case 'R' -> {
                    int kind = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
                    if (kind == 3) {
                        byte[] pw = (password + "\0").getBytes(StandardCharsets.UTF_8);
                        out.writeByte('p');
                        out.writeInt(4 + pw.length);
                        out.write(pw);
                        out.flush();
                    } else if (kind != 0) {
                        throw new IOException("authentication method " + kind + " is not supported by this client");
                    }
                }
                case 'E' -> throw new IOException("server error: " + new String(body, StandardCharsets.UTF_8).replace('\0', ' '));
                case 'Z' -> {
                    s.setSoTimeout(0);
                    return;
                }
                default -> {
                    // ParameterStatus, BackendKeyData, notices
                }
            }
        }
    }

}
