package io.ballast.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ballast.tools.ApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wait for the hot book against a real HTTP server on loopback (the JDK's) that answers an account's margin as
 * the service does, from the database for a while and then from the hot book: the wait ends at the first hot-book
 * answer and not before, rides over error answers, reports progress, and gives up at its limit.
 */
class HotBookWaitTest {

    private static final UUID ACCOUNT = UUID.fromString("00000000-0000-0000-0000-000000000007");

    private HttpServer server;
    private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    /** Answers given in turn, the last one repeated: a status and answeredFrom. */
    private volatile List<String> script = List.of("200 hot-book");
    private final AtomicInteger served = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        seen.add(x.getRequestMethod() + " " + x.getRequestURI() + " "
                + x.getRequestHeaders().getFirst("Authorization"));
        int n = served.getAndIncrement();
        String[] step = script.get(Math.min(n, script.size() - 1)).split(" ");
        byte[] body = ("{\"accountId\":\"" + ACCOUNT + "\",\"answeredFrom\":\"" + step[1] + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(Integer.parseInt(step[0]), body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    private HotBookWait waitOn() {
        ApiClient api = new ApiClient("http://127.0.0.1:" + server.getAddress().getPort(), "http://127.0.0.1:1/unused");
        AtomicInteger tokens = new AtomicInteger();
        return new HotBookWait(api, () -> "token-" + tokens.incrementAndGet(), Duration.ofMillis(20),
                Duration.ofMillis(100));
    }

    @Test
    void waitsUntilTheMarginIsAnsweredFromTheHotBookRidingOverErrors() throws Exception {
        script = List.of("200 database", "503 database", "200 database", "500 x", "200 database", "200 hot-book",
                "200 database");
        StringWriter text = new StringWriter();
        double waited = waitOn().await(ACCOUNT, Duration.ofSeconds(30), new PrintWriter(text));

        assertThat(waited).isGreaterThanOrEqualTo(0.1); // five polls 20 ms apart before the hot-book answer
        assertThat(served.get()).as("reads until the first hot-book answer, none after").isEqualTo(6);
        assertThat(seen).allMatch(s -> s.equals("GET /api/v1/accounts/" + ACCOUNT + "/margin Bearer token-1"));
        assertThat(text.toString()).contains("waiting for the tenant's hot book: its margin is answered from");
    }

    @Test
    void answersAtOnceWhenTheBookIsReady() throws Exception {
        StringWriter text = new StringWriter();
        double waited = waitOn().await(ACCOUNT, Duration.ofSeconds(30), new PrintWriter(text));

        assertThat(waited).isBetween(0.0, 5.0);
        assertThat(served.get()).isEqualTo(1);
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void givesUpAtItsLimitSayingWhereAnswersCameFrom() throws Exception {
        script = List.of("200 database");
        StringWriter text = new StringWriter();
        long t0 = System.nanoTime();
        double waited = waitOn().await(ACCOUNT, Duration.ofMillis(400), new PrintWriter(text));

        assertThat(waited).isEqualTo(-1);
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds before giving up").isBetween(0.4, 10.0);
        assertThat(served.get()).isGreaterThan(3);
        assertThat(text.toString()).contains("its margin is answered from database");
    }
}
