package io.ballast.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * TCP port helpers. Every server of the dev stack listens on the loopback address 127.0.0.1 only.
 */
public final class Ports {

    /** The loopback address every server binds to and every URL names. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /**
     * Picks a port that is free at the time of the call (the operating system chooses it). Another process may take
     * it before the caller binds it; for tests on one machine that race is accepted.
     *
     * @return a free TCP port on 127.0.0.1
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on " + LOOPBACK, e);
        }
    }

    /**
     * Tells whether a port can be bound on 127.0.0.1 right now.
     *
     * @param port TCP port, 1..65535
     * @return true if nothing listens on it
     */
    public static boolean isFree(int port) {
        requireValid(port, "port");
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Checks that a port number is in range.
     *
     * @param port the number
     * @param what what the port is for, used in the error message
     * @return {@code port}
     * @throws IllegalArgumentException if it is outside 1..65535
     */
    public static int requireValid(int port, String what) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(what + " must be a TCP port in 1..65535, got " + port);
        }
        return port;
    }
}
