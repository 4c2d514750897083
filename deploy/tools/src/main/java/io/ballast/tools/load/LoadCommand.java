package io.ballast.tools.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ballast.devstack.KafkaBroker;
import io.ballast.devstack.KafkaUser;
import io.ballast.tools.ApiClient;
import io.ballast.tools.Cli;
import io.ballast.tools.RunningStack;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ballast load}: a benchmark against a running stack on this machine. Loads a tenant with 100,000 accounts
 * and 1,000,000 positions ({@link BulkLoader}), drives ticks through the real broker at a target rate for a bounded
 * time and times the margin events they cause ({@link TickDriver}), then times what-if requests on loopback
 * ({@link WhatIfDriver}). Every phase is bounded; every address must be 127.0.0.1.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark against the running stack (127.0.0.1 only): load 100,000 accounts with 1,000,000",
            "positions, drive ticks at a target rate through Kafka and time the margin events, time what-ifs.",
            "Stops by itself. Figures and their definitions: docs/benchmarks.md."})
public final class LoadCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TENANT_FILE = "load-tenant.json";

    @Spec
    private CommandSpec spec;

    @Option(names = "--phases", split = ",", defaultValue = "load,ticks,whatif", paramLabel = "P",
            description = "phases to run, of load, ticks, whatif, summary, floor (default ${DEFAULT-VALUE}); without"
                    + " load, the tenant of the last load (.ballast/" + TENANT_FILE + ") is used; floor (alone or"
                    + " first) times the tick path's broker hops and a commit with no service code, at --tick-rate"
                    + " for --warmup and --duration")
    private List<String> phases;

    @Option(names = "--accounts", defaultValue = "100000", description = "accounts to load (default ${DEFAULT-VALUE})")
    private int accounts;

    @Option(names = "--positions-per-account", defaultValue = "10",
            description = "positions per account, 1..20 (default ${DEFAULT-VALUE})")
    private int positionsPerAccount;

    @Option(names = "--tick-rate", defaultValue = "1000", description = "target ticks per second (default "
            + "${DEFAULT-VALUE})")
    private int tickRate;

    @Option(names = "--duration", defaultValue = "60", paramLabel = "SECONDS",
            description = "how long ticks are sent, at most 600 (default ${DEFAULT-VALUE})")
    private int durationSeconds;

    @Option(names = "--warmup", defaultValue = "0", paramLabel = "SECONDS",
            description = "seconds of ticks sent before the measured --duration, their events not counted, so that "
                    + "the service's JIT and book are warm (default ${DEFAULT-VALUE}; at most 600)")
    private int warmupSeconds;

    @Option(names = "--swing", defaultValue = "0.06", description = "amplitude of the price wave, a fraction "
            + "(default ${DEFAULT-VALUE})")
    private double swing;

    @Option(names = "--period", defaultValue = "20", paramLabel = "SECONDS",
            description = "period of the price wave (default ${DEFAULT-VALUE})")
    private int periodSeconds;

    @Option(names = "--parameters-at", defaultValue = "-1", paramLabel = "SECONDS", description = "during the tick "
            + "run, SECONDS into its measured part, send one ballast.parameters record for the load tenant (as the"
            + " platform's Kafka admin): its owner applies the parameters in force again, the work of a new parameter"
            + " version under ticks; off by default")
    private int parametersAt;

    @Option(names = "--source", defaultValue = "feed", description = "source name of the ticks (default "
            + "${DEFAULT-VALUE}, one of the platform's default oracle sources); the tenant's oracle must accept it")
    private String source;

    @Option(names = "--whatif-requests", defaultValue = "20000",
            description = "what-if requests to time, at most 1,000,000 (default ${DEFAULT-VALUE})")
    private int whatIfRequests;

    @Option(names = "--whatif-liquidation-prices", defaultValue = "true", arity = "1", paramLabel = "true|false",
            description = "whether what-if answers carry liquidation prices; false asks ?liquidationPrices=false, "
                    + "a matching engine's pre-trade check (default ${DEFAULT-VALUE})")
    private boolean whatIfLiquidationPrices;

    @Option(names = "--pre-trade-check", description = "time POST .../margin/pre-trade-check (the what-if's "
            + "verdict and headline figures only) instead of the what-if")
    private boolean preTradeCheck;

    @Option(names = "--concurrency", defaultValue = "16", description = "what-if requests in flight (default "
            + "${DEFAULT-VALUE}); with --whatif-rate, the most connections")
    private int concurrency;

    @Option(names = "--whatif-rate", defaultValue = "0", paramLabel = "N", description = "send the timed what-ifs at "
            + "N requests/s whatever the answers do (an open loop), each timed from when it was due; 0 (default) "
            + "keeps --concurrency requests in flight instead (a closed loop)")
    private int whatIfRate;

    @Option(names = "--whatif-warmup", defaultValue = "0", paramLabel = "SECONDS", description = "with "
            + "--whatif-rate, first send SECONDS of requests at that rate, not counted (after the 2,000 of the closed "
            + "loop), so that the counted part starts warm at the rate; 0 (default): none")
    private int whatIfWarmupSeconds;

    @Option(names = "--whatif-token", description = "send with every what-if the Ballast-Consistency token of a "
            + "margin read made just before the run, as a client that reads its own writes does (the service then "
            + "answers from its hot book without a freshness read per request)")
    private boolean whatIfToken;

    @Option(names = "--churn-rate", defaultValue = "0", paramLabel = "N", description = "during the tick run, N "
            + "position writes a second on random accounts of the tenant (PUT .../positions/BTC-PERP or ETH-PERP), as "
            + "an exchange's trades make them; 0 (default): none")
    private int churnRate;

    @Option(names = "--book-wait", defaultValue = "600", paramLabel = "SECONDS", description = "before the ticks and "
            + "what-if phases, wait at most SECONDS until the service answers the tenant's margin from its hot book "
            + "(a load of 100,000 accounts leaves it building for a minute); 0: no wait (default ${DEFAULT-VALUE}, "
            + "at most 3,600)")
    private int bookWaitSeconds;

    @Option(names = "--events-csv", paramLabel = "FILE", description = "with the ticks phase, write every counted "
            + "margin event to FILE as CSV (its stamps, tick-to-event latency and stages in ms, type and account) and "
            + "a chart of p50, p99 and max per second beside it (FILE's name with .svg), to place the tail in time")
    private java.nio.file.Path eventsCsv;

    @Option(names = "--latency-csv", paramLabel = "FILE", description = "with the whatif phase, write every counted "
            + "request to FILE as CSV (when due, latency and the part before it was sent in ms, status, account) and a chart of p50, p99 and max per "
            + "second beside it (FILE's name with .svg), to place the tail in time")
    private java.nio.file.Path latencyCsv;

    @Option(names = "--seed", defaultValue = "20200312", description = "random seed of the portfolio")
    private long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Set<String> run = new LinkedHashSet<>(phases);
        for (String p : run) {
            if (!List.of("load", "ticks", "whatif", "summary", "floor").contains(p)) {
                throw new IllegalArgumentException("unknown phase '" + p + "': load, ticks, whatif, summary, floor");
            }
        }
        if (accounts < 1 || accounts > 1_000_000 || positionsPerAccount < 1 || positionsPerAccount > 20) {
            throw new IllegalArgumentException("--accounts must be 1..1,000,000 and --positions-per-account 1..20");
        }
        if (tickRate < 1 || tickRate > 100_000 || durationSeconds < 1 || durationSeconds > 600 || warmupSeconds < 0
                || warmupSeconds > 600) {
            throw new IllegalArgumentException("--tick-rate must be 1..100,000, --duration 1..600 s and --warmup"
                    + " 0..600 s");
        }
        if (churnRate < 0 || churnRate > 10_000) {
            throw new IllegalArgumentException("--churn-rate must be 0..10,000 writes/s");
        }
        if (bookWaitSeconds < 0 || bookWaitSeconds > 3_600) {
            throw new IllegalArgumentException("--book-wait must be 0..3,600 s");
        }
        if (parametersAt >= durationSeconds) {
            throw new IllegalArgumentException("--parameters-at must be below --duration");
        }
        if (whatIfRequests < 1 || whatIfRequests > 1_000_000 || concurrency < 1 || concurrency > 256
                || whatIfRate < 0 || whatIfRate > 100_000) {
            throw new IllegalArgumentException("--whatif-requests must be 1..1,000,000, --concurrency 1..256 and"
                    + " --whatif-rate 0..100,000");
        }
        if (whatIfWarmupSeconds < 0 || whatIfWarmupSeconds > 600) {
            throw new IllegalArgumentException("--whatif-warmup must be 0..600 s");
        }
        Path root = Cli.root();
        RunningStack stack = RunningStack.locate(root, System.getenv());
        RunningStack.requireLoopback("the API", stack.apiUrl());
        RunningStack.requireLoopback("the token endpoint", stack.tokenUrl());
        RunningStack.requireLoopback("Kafka", stack.kafkaBootstrap());
        RunningStack.requireLoopback("PostgreSQL", stack.jdbcUrl());
        ApiClient api = new ApiClient(stack.apiUrl(), stack.tokenUrl());
        Path tenantFile = root.resolve(".ballast").resolve(TENANT_FILE);
        out.printf("ballast load against %s (Kafka %s, PostgreSQL %s), phases %s%n", stack.apiUrl(),
                stack.kafkaBootstrap(), stack.jdbcUrl(), String.join(",", run));
        out.flush();

        if (run.contains("floor")) {
            FloorDriver.Result r = new FloorDriver(stack.kafkaConfig(null, KafkaUser.ADMIN, null), stack.jdbcUrl(),
                    stack.postgresUser(), stack.postgresPassword(), out).run(tickRate,
                    Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds));
            printFloor(out, tickRate, durationSeconds, r);
            run.remove("floor");
            if (run.isEmpty()) {
                return 0;
            }
        }

        LoadTenant tenant;
        if (run.contains("load")) {
            long t0 = System.nanoTime();
            tenant = new BulkLoader(api, stack.jdbcUrl(), stack.postgresUser(), stack.postgresPassword(), out)
                    .load(accounts, positionsPerAccount, seed);
            double s = (System.nanoTime() - t0) / 1e9;
            JSON.writeValue(tenantFile.toFile(), tenant);
            out.printf(Locale.ROOT, "LOAD: %,d accounts and %,d positions in %.1f s (tenant %s, saved in %s)%n",
                    tenant.accounts(), tenant.positions(), s, tenant.tenantId(), root.relativize(tenantFile));
        } else if (Files.isRegularFile(tenantFile)) {
            tenant = JSON.readValue(tenantFile.toFile(), LoadTenant.class);
            out.printf(Locale.ROOT, "using the loaded tenant %s (%,d accounts, %,d positions) of %s%n",
                    tenant.tenantId(), tenant.accounts(), tenant.positions(), root.relativize(tenantFile));
        } else {
            throw new IllegalStateException("no loaded tenant (" + root.relativize(tenantFile)
                    + "): run with --phases load first");
        }
        out.flush();

        // the tenant's accounts, read once for the wait, the churn and the what-ifs
        List<UUID> ids = run.contains("ticks") || run.contains("whatif") ? accountIds(stack, tenant.tenantId())
                : List.of();
        if (bookWaitSeconds > 0 && !ids.isEmpty()) {
            UUID account = ids.get(0);
            double waited = new HotBookWait(api, () -> api.token(tenant.integratorId(), tenant.integratorSecret()),
                    Duration.ofSeconds(1), Duration.ofSeconds(10)).await(account, Duration.ofSeconds(bookWaitSeconds),
                    out);
            out.println(waited < 0 ? String.format(Locale.ROOT, "HOT BOOK: the tenant's margin is not answered from "
                    + "the hot book after %d s; measuring anyway (the figures include the book's build)",
                    bookWaitSeconds) : String.format(Locale.ROOT, "HOT BOOK: the tenant's margin is answered from the"
                    + " hot book (after %.1f s of waiting)", waited));
            out.flush();
        }

        if (run.contains("ticks")) {
            TickDriver driver = new TickDriver(stack.kafkaConfig(null, KafkaUser.FEED, null),
                    stack.kafkaConfig(null, KafkaUser.ADMIN, null), KafkaBroker.PRICES_TOPIC, out);
            EventLog log = eventsCsv == null ? null : new EventLog();
            java.nio.file.Path csvFile = eventsCsv == null ? null : io.ballast.tools.Cli.userPath(eventsCsv);
            driver.withEventLog(log);
            Thread nudge = parametersAt < 0 ? null : ParametersNudge.start(stack.kafkaConfig(null, KafkaUser.ADMIN,
                    null), tenant.tenantId(), Duration.ofSeconds(warmupSeconds + parametersAt), out);
            ChurnDriver churn = churnRate == 0 ? null : new ChurnDriver(api, tenant.integratorId(),
                    tenant.integratorSecret(), ids, tenant.pricesUsd());
            Thread churning = churn == null ? null : churn.start(churnRate, Duration.ofSeconds(warmupSeconds),
                    Duration.ofSeconds(durationSeconds), seed, out);
            TickDriver.Result r = driver.run(tenant.tenantId(), tenant.pricesUsd(), source, tickRate,
                    Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), Duration.ofSeconds(30),
                    swing,
                    Duration.ofSeconds(periodSeconds));
            if (nudge != null) {
                nudge.join();
            }
            if (churning != null) {
                churning.join();
                out.println(ChurnDriver.summary(churnRate, churn.result()));
            }
            out.printf(Locale.ROOT, "TICKS: target %,d/s for %d s: %,d sent, %,d acked, %,d failed; sustained %,.0f"
                    + " ticks/s (acked / time to last ack)%n", tickRate, durationSeconds, r.sent(), r.acked(),
                    r.failed(), r.ticksPerSecond());
            if (r.events() == 0) {
                out.println("MARGIN EVENTS: none received for this tenant: tick-to-event latency NOT measured (the"
                        + " service publishes no margin events, or its oracle does not accept source '" + source
                        + "')");
            } else {
                out.printf(Locale.ROOT, "MARGIN EVENTS: %,d %s%n", r.events(), r.eventTypes());
                out.println("  tick-to-event (consumer receive - tick sourceTime): " + r.tickToEvent().summary());
                out.println("  service part  (consumer receive - tickReceivedAt): " + r.servicePart().summary());
                out.println("  stages (at tickReceivedAt and the event record's timestamp): " + r.stages().summary());
            }
            if (log != null) {
                log.write(csvFile);
                java.nio.file.Path chart = SecondsChart.beside(csvFile);
                log.writeChart(chart, String.format(Locale.ROOT, "tick-to-event latency per second: %,d ticks/s, "
                        + "%d s measured, swing %.3f (%,d events)", tickRate, durationSeconds, swing, log.size()));
                out.printf(Locale.ROOT, "EVENTS CSV: %,d events written to %s; chart %s%n", log.size(), csvFile,
                        chart);
            }
            out.flush();
        }

        if (run.contains("whatif") || run.contains("summary")) {
            String token = api.token(tenant.integratorId(), tenant.integratorSecret());
            if (run.contains("whatif")) {
                String consistency = null;
                if (whatIfToken) {
                    HttpResponse<byte[]> read = api.http().send(api.request(token, "GET", "/api/v1/accounts/"
                            + ids.get(0) + "/margin", null), HttpResponse.BodyHandlers.ofByteArray());
                    consistency = read.headers().firstValue("Ballast-Consistency").orElse(null);
                    out.println(consistency == null ? "CONSISTENCY TOKEN: the margin read answered " + read.statusCode()
                            + " without one; the what-ifs go without" : "CONSISTENCY TOKEN: " + consistency
                            + " (from a margin read) sent with every what-if");
                }
                RequestLog requestLog = latencyCsv == null ? null : new RequestLog();
                WhatIfDriver.Result r = new WhatIfDriver(api.apiUrl(), whatIfLiquidationPrices, preTradeCheck)
                        .withRequestLog(requestLog).withRateWarmup(whatIfWarmupSeconds)
                        .withConsistencyToken(consistency)
                        .run(token, ids, tenant.pricesUsd().get("BTC"), whatIfRequests,
                                Math.min(2_000, whatIfRequests), concurrency, whatIfRate);
                String loop = whatIfRate > 0
                        ? String.format(Locale.ROOT, "offered at %,d/s over at most %d connections, timed from"
                                + " when due", whatIfRate, concurrency)
                        : "concurrency " + concurrency;
                out.printf(Locale.ROOT, "%s: %,d requests, %s, %.1f s: %,.0f requests/s; %s;"
                        + " answers by status %s; the driver's own CPU %.0f us per request%n",
                        preTradeCheck ? "PRE-TRADE CHECK"
                                : whatIfLiquidationPrices ? "WHAT-IF" : "WHAT-IF (liquidationPrices=false)",
                        r.requests(), loop, r.seconds(), r.requestsPerSecond(),
                        r.latencies().summary(), r.statuses(), r.driverCpuMicrosPerRequest());
                if (requestLog != null) {
                    java.nio.file.Path csvFile = io.ballast.tools.Cli.userPath(latencyCsv);
                    requestLog.write(csvFile);
                    java.nio.file.Path chart = SecondsChart.beside(csvFile);
                    requestLog.writeChart(chart, String.format(Locale.ROOT, "%s latency per second: %s (%,d "
                            + "requests)", preTradeCheck ? "pre-trade check" : "what-if", loop, requestLog.size()));
                    out.printf(Locale.ROOT, "LATENCY CSV: %,d requests written to %s; chart %s%n", requestLog.size(),
                            csvFile, chart);
                }
                out.flush();
            }
            if (run.contains("summary")) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> answer = api.http().send(api.request(token, "GET", "/api/v1/margin/summary",
                        null), HttpResponse.BodyHandlers.ofByteArray());
                out.printf(Locale.ROOT, "SUMMARY: GET /api/v1/margin/summary answered %d in %.3f s (%,d bytes)%n",
                        answer.statusCode(), (System.nanoTime() - t0) / 1e9, answer.body().length);
            }
        }
        out.flush();
        return 0;
    }

    /** The floor's figures (docs/benchmarks.md, "The floor under the tick path"). */
    static void printFloor(PrintWriter out, int rate, int seconds, FloorDriver.Result r) {
        out.printf(Locale.ROOT, "FLOOR: target %,d/s for %d s: %,d sent, %,d received through the relay (%,d polls,"
                + " one commit each)%n", rate, seconds, r.sent(), r.received(), r.polls());
        out.println("  send to receipt (two broker hops and a commit): " + r.total().summary());
        out.println("  stages: in (send to relay's poll) " + r.in().brief() + "; commit " + r.commit().brief()
                + "; onward (commit to receipt) " + r.onward().brief());
        out.flush();
    }

    /** The tenant's account ids, read from PostgreSQL. */
    private static List<UUID> accountIds(RunningStack stack, String tenantId) throws Exception {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.postgresUser(),
                stack.postgresPassword());
                PreparedStatement s = c.prepareStatement("select id from account where tenant_id = ?")) {
            s.setObject(1, UUID.fromString(tenantId));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalStateException("tenant " + tenantId + " has no accounts in " + stack.jdbcUrl());
        }
        return ids;
    }
}
