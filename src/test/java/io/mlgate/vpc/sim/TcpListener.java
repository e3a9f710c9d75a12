package io.mlgate.vpc.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A test main for the namespace tests: listens on {@code ADDRESS PORT [PORT...]}, prints "listening" once all are
 * bound, answers each connection with "hello from PORT" and closes it. Runs until killed.
 */
public final class TcpListener {

    private TcpListener() {
    }

    public static void main(String[] args) throws IOException {
        InetAddress address = InetAddress.getByName(args[0]);
        for (int i = 1; i < args.length; i++) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, Integer.parseInt(args[i])));
            Thread t = new Thread(() -> serve(server), "listener-" + args[i]);
            t.start();
        }
        System.out.println("listening");
        System.out.flush();
    }

    private static void serve(ServerSocket server) {
        while (true) {
            try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                System.out.println("accepted " + s.getRemoteSocketAddress() + " on " + server.getLocalPort());
                out.write(("hello from " + server.getLocalPort() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                System.out.println("accept failed: " + e.getMessage());
            }
        }
    }
}
