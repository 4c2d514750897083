package io.ballast.tools.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ballast.devstack.KafkaBroker;
import io.ballast.devstack.KafkaUser;
import io.ballast.marketdata.MarketCsv;
import io.ballast.tools.Cli;
import io.ballast.tools.RunningStack;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ballast replay}: publishes historical bars as platform ticks on {@code ballast.prices}, as the feed user.
 *
 * <p>Tick: key = underlying, value {@code {"source","underlying","priceUsd","annualVol"?,"sourceTime"}}
 * (docs/design-price-path.md). {@code sourceTime} is the moment of publication unless {@code --historical-time}, so
 * that the oracle guard of a running stack does not reject the ticks as stale; the bar's own time and close travel in
 * the headers {@value #HEADER_BAR_TIME} and {@value #HEADER_BAR_CLOSE}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publishes historical bars as ticks on ballast.prices (as the feed user) into a running stack.",
            "By default the window's returns are replayed from today's price level (the first demo tenant's",
            "current index price from the API, or --start-price); --levels replays the historical prices."},
        footer = {"", "Example: ./ballast replay --data ../shared/data/market/BTC_1h.csv --from 2020-03-11"
                + " --to 2020-03-14 --speed 3600"})
public final class ReplayCommand implements Callable<Integer> {

    /** Header carrying the historical bar's open time (ISO instant). */
    public static final String HEADER_BAR_TIME = "ballast-replay-bar-time";
    /** Header carrying the historical bar's close in USD. */
    public static final String HEADER_BAR_CLOSE = "ballast-replay-bar-close";
    /** Demo slices shipped in the repository, replayed when no {@code --data} is given. */
    public static final List<String> DEMO_DATA = List.of("deploy/demo-data/BTC_1h.csv",
            "deploy/demo-data/ETH_1h.csv");

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE",
            description = "market data file in the shared format (repeatable; default: the demo slices "
                    + "deploy/demo-data/BTC_1h.csv and ETH_1h.csv)")
    private List<Path> data = new ArrayList<>();

    @Option(names = "--from", paramLabel = "DATE", description = "first bar: YYYY-MM-DD or an ISO instant "
            + "(default: the file's first bar)")
    private String from;

    @Option(names = "--to", paramLabel = "DATE", description = "last bar: YYYY-MM-DD includes that whole day, an ISO "
            + "instant is exclusive (default: the file's last bar)")
    private String to;

    @Option(names = "--speed", defaultValue = "3600", paramLabel = "N",
            description = "seconds of data per second of wall time (3600: one hour a second; 0: as fast as possible;"
                    + " default ${DEFAULT-VALUE})")
    private double speed;

    @Option(names = "--levels", description = "replay the historical prices instead of the returns")
    private boolean levels;

    @Option(names = "--start-price", paramLabel = "[SYM=]PRICE",
            description = "today's price to replay the returns from (repeatable, e.g. BTC=90000); default: the first"
                    + " demo tenant's index price from the API")
    private List<String> startPrices = new ArrayList<>();

    @Option(names = "--source", defaultValue = "replay", split = ",", paramLabel = "NAME",
            description = "source name of the ticks (default ${DEFAULT-VALUE}); several (a,b) publish each tick once"
                    + " per source, so that a guard asking a second source to confirm a large jump gets one")
    private List<String> sources;

    @Option(names = "--underlying", paramLabel = "SYM", description = "symbol to publish under (one --data only; "
            + "default: from the file name, BTC_1h.csv is BTC)")
    private String underlying;

    @Option(names = "--no-vol", negatable = false, description = "leave annualVol out of the ticks")
    private boolean noVol;

    @Option(names = "--historical-time", description = "stamp sourceTime with the bar's time instead of now "
            + "(a guarded stack rejects such ticks as stale)")
    private boolean historicalTime;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap (default: "
            + ".ballast/stack.json of ./ballast run, else 127.0.0.1:9092)")
    private String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties overriding the dev"
            + " stack's feed login (for a real broker: security.protocol, sasl.jaas.config, trust store)")
    private Path kafkaConfig;

    @Option(names = "--topic", defaultValue = KafkaBroker.PRICES_TOPIC, hidden = true)
    private String topic;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (sources.isEmpty() || sources.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("--source needs a name");
        }
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("--speed must be 0 (as fast as possible) or positive, got " + speed);
        }
        List<Path> files = new ArrayList<>();
        if (data.isEmpty()) {
            DEMO_DATA.forEach(f -> files.add(Cli.root().resolve(f)));
        } else {
            data.forEach(f -> files.add(Cli.userPath(f)));
        }
        if (underlying != null && files.size() != 1) {
            throw new IllegalArgumentException("--underlying needs exactly one --data file");
        }
        Instant fromTime = from == null ? Instant.MIN : MarketCsv.instant(from);
        Instant toTime = to == null ? Instant.MAX
                : to.trim().length() == 10 ? MarketCsv.instant(to).plus(1, ChronoUnit.DAYS) : MarketCsv.instant(to);
        RunningStack stack = RunningStack.locate(Cli.root(), System.getenv());
        Map<String, Double> explicitStarts = parseStartPrices();

        List<PlannedTick> ticks = new ArrayList<>();
        for (Path file : files) {
            String symbol = underlying != null ? underlying.toUpperCase(Locale.ROOT) : BarFile.underlyingOf(file);
            List<Bar> bars = BarFile.read(file);
            Double start = levels ? null : startPrice(symbol, explicitStarts, stack);
            List<PlannedTick> planned = TickPlan.plan(symbol, bars, fromTime, toTime, start, !noVol);
            out.printf("%s: %d bars %s .. %s from %s%s%n", symbol, planned.size(), planned.get(0).barTime(),
                    planned.get(planned.size() - 1).barTime(), file,
                    start == null ? " (historical levels)" : String.format(Locale.ROOT,
                            " (returns from %s; historical close %s -> replayed from %s)", money(start),
                            money(planned.get(0).barCloseUsd()), money(planned.get(0).priceUsd())));
            ticks.addAll(planned);
        }
        ticks.sort(Comparator.comparing(PlannedTick::barTime));
        String servers = bootstrap != null ? bootstrap : stack.kafkaBootstrap();
        out.printf("publishing %d ticks (source %s) to %s on %s as %s, %s%n", ticks.size(), String.join(",", sources),
                topic, servers,
                kafkaConfig != null ? "the login of " + kafkaConfig : KafkaUser.FEED.name(),
                speed == 0 ? "as fast as possible" : String.format(Locale.ROOT, "%.0fx (%.1f s of data a second)",
                        speed, speed));
        out.flush();
        publish(ticks, stack.kafkaConfig(servers, KafkaUser.FEED, kafkaConfig), out);
        return 0;
    }

    private void publish(List<PlannedTick> ticks, Map<String, Object> config, PrintWriter out) throws Exception {
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        long startNanos;
        Instant firstBar = ticks.get(0).barTime();
        Map<String, PlannedTick> first = new LinkedHashMap<>();
        Map<String, PlannedTick> last = new LinkedHashMap<>();
        long lastPrint = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.partitionsFor(topic); // connect, log in and fetch metadata before the clock starts
            startNanos = System.nanoTime();
            for (int i = 0; i < ticks.size(); i++) {
                PlannedTick tick = ticks.get(i);
                if (speed > 0) {
                    long dueNanos = startNanos + (long) (Duration.between(firstBar, tick.barTime()).toNanos() / speed);
                    long wait = dueNanos - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                RecordMetadata sent = null;
                for (String source : sources) {
                    ProducerRecord<String, String> record = new ProducerRecord<>(topic, tick.underlying(),
                            value(tick, source));
                    record.headers().add(HEADER_BAR_TIME, tick.barTime().toString().getBytes(StandardCharsets.UTF_8));
                    record.headers().add(HEADER_BAR_CLOSE,
                            plain(tick.barCloseUsd()).getBytes(StandardCharsets.UTF_8));
                    sent = producer.send(record).get(60, TimeUnit.SECONDS);
                }
                first.putIfAbsent(tick.underlying(), tick);
                last.put(tick.underlying(), tick);
                long now = System.nanoTime();
                boolean everyTick = speed > 0 && speed <= 3600 * 5;
                if (everyTick || now - lastPrint > 1_000_000_000L || i == ticks.size() - 1) {
                    lastPrint = now;
                    PlannedTick start = first.get(tick.underlying());
                    out.printf(Locale.ROOT, "[%6.1f s] %4d/%d  %s  %-5s %12s  %+7.2f%% since start%s  (offset %d)%n",
                            (now - startNanos) / 1e9, i + 1, ticks.size(), tick.barTime(), tick.underlying(),
                            money(tick.priceUsd()), 100 * (tick.priceUsd() / start.priceUsd() - 1),
                            tick.annualVol() == null ? "" : String.format(Locale.ROOT, "  vol %3.0f%%",
                                    100 * tick.annualVol()), sent.offset());
                    out.flush();
                }
            }
        }
        out.printf(Locale.ROOT, "replayed %d ticks in %.1f s:", ticks.size(), (System.nanoTime() - startNanos) / 1e9);
        last.forEach((symbol, end) -> out.printf(Locale.ROOT, "  %s %s -> %s (%+.1f%%)", symbol,
                money(first.get(symbol).priceUsd()), money(end.priceUsd()),
                100 * (end.priceUsd() / first.get(symbol).priceUsd() - 1)));
        out.println();
        out.flush();
    }

    /**
     * The tick's JSON value.
     *
     * @param tick   the planned tick
     * @param source the source name
     * @return {@code {"source","underlying","priceUsd","annualVol"?,"sourceTime"}}
     */
    String value(PlannedTick tick, String source) throws Exception {
        ObjectNode node = JSON.createObjectNode();
        node.put("source", source);
        node.put("underlying", tick.underlying());
        node.put("priceUsd", plain(tick.priceUsd()));
        if (tick.annualVol() != null) {
            node.put("annualVol", new BigDecimal(tick.annualVol()).round(new MathContext(4)));
        }
        Instant sourceTime = historicalTime ? tick.barTime() : Instant.now().truncatedTo(ChronoUnit.MILLIS);
        node.put("sourceTime", sourceTime.toString());
        return JSON.writeValueAsString(node);
    }

    private Map<String, Double> parseStartPrices() {
        Map<String, Double> prices = new LinkedHashMap<>();
        for (String s : startPrices) {
            int eq = s.indexOf('=');
            String symbol = eq < 0 ? "*" : s.substring(0, eq).trim().toUpperCase(Locale.ROOT);
            try {
                prices.put(symbol, Double.parseDouble(s.substring(eq + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--start-price wants [SYMBOL=]PRICE, got '" + s + "'");
            }
        }
        return prices;
    }

    private static Double startPrice(String symbol, Map<String, Double> explicit, RunningStack stack) {
        Double given = explicit.getOrDefault(symbol, explicit.get("*"));
        if (given != null) {
            return given;
        }
        try {
            return priceFromApi(symbol, stack);
        } catch (Exception e) {
            throw new IllegalStateException("cannot take today's " + symbol + " price from the running service ("
                    + e.getMessage() + "): pass --start-price " + symbol + "=<price>, or --levels");
        }
    }

    /** The first demo tenant's current index price of {@code symbol}, read with its integrator client. */
    static double priceFromApi(String symbol, RunningStack stack) throws Exception {
        JsonNode tenant = stack.demo().path("tenants").path(0);
        if (tenant.isMissingNode()) {
            throw new IllegalStateException("no demo tenant in .ballast/demo-credentials.json");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String form = "grant_type=client_credentials&client_id="
                + URLEncoder.encode(tenant.path("clientId").asText(), StandardCharsets.UTF_8) + "&client_secret="
                + URLEncoder.encode(tenant.path("clientSecret").asText(), StandardCharsets.UTF_8);
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(stack.tokenUrl()))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + token.statusCode());
        }
        String bearer = JSON.readTree(token.body()).path("access_token").asText();
        HttpResponse<String> prices = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl()
                + "/api/v1/market/prices")).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (prices.statusCode() != 200) {
            throw new IllegalStateException("GET /api/v1/market/prices answered " + prices.statusCode());
        }
        for (JsonNode row : JSON.readTree(prices.body())) {
            if (symbol.equalsIgnoreCase(row.path("underlying").asText()) && row.path("indexPriceUsd").isNumber()) {
                return row.path("indexPriceUsd").asDouble();
            }
        }
        throw new IllegalStateException("tenant " + tenant.path("tenantId").asText() + " has no " + symbol
                + " price");
    }

    private static String plain(double price) {
        return new BigDecimal(price).round(new MathContext(10)).stripTrailingZeros().toPlainString();
    }

    private static String money(double price) {
        return String.format(Locale.ROOT, price >= 100 ? "%,.2f" : "%,.4f", price);
    }
}
