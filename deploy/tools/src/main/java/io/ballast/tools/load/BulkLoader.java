package io.ballast.tools.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.devstack.DemoSeeder;
import io.ballast.devstack.DevStack;
import io.ballast.tools.ApiClient;
import java.io.PrintWriter;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * Loads a benchmark tenant: reference data through the REST API as an operator would (tenant, assets, 20
 * instruments, risk parameters, prices), accounts by {@code COPY} into PostgreSQL (100,000 API calls would measure the
 * API, not the margin engine) followed by {@code ANALYZE account}, then balances and positions through the snapshot endpoint in batches (so the
 * service sees them as a real integrator's bulk sync, {@code SnapshotApplied} events included).
 *
 * <p>Portfolio: every account holds {@code positionsPerAccount} of the 20 instruments (chosen at random from a seeded
 * generator), sizes spread over a factor 25, and USDT collateral between 6% and 40% of its gross notional, so that a
 * few per cent of the accounts sit near maintenance (5-10% of notional) and cross it when the price swings.
 */
public final class BulkLoader {

    /** Accounts per snapshot request: 2,000 accounts × (positions + 1 balance) stays below the 50,000-row cap. */
    static final int ACCOUNTS_PER_SNAPSHOT = 2_000;
    private static final Map<String, Double> PRICES = Map.of("USDT", 1.0, "BTC", 90_000.0, "ETH", 3_000.0);

    private final ApiClient api;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final PrintWriter out;

    /**
     * @param api        the service
     * @param jdbcUrl    the service's database
     * @param dbUser     its user
     * @param dbPassword its password
     * @param out        progress output
     */
    public BulkLoader(ApiClient api, String jdbcUrl, String dbUser, String dbPassword, PrintWriter out) {
        this.api = api;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        this.out = out;
    }

    /**
     * Creates and fills a new tenant.
     *
     * @param accounts            number of accounts
     * @param positionsPerAccount positions per account, 1..20
     * @param seed                random seed (same seed, same portfolio)
     * @return the loaded tenant
     */
    public LoadTenant load(int accounts, int positionsPerAccount, long seed) throws Exception {
        long t0 = System.nanoTime();
        String platform = api.token(DevStack.PLATFORM_ADMIN_CLIENT_ID, DevStack.PLATFORM_ADMIN_CLIENT_SECRET);
        String slug = "load-" + Long.toString(System.currentTimeMillis(), 36);
        JsonNode credentials = api.call(platform, "POST", "/api/v1/tenants",
                Map.of("name", "Load " + slug, "slug", slug), 201);
        String tenantId = credentials.path("tenant").path("id").asText();
        String admin = api.token(credentials.path("tenantAdmin").path("clientId").asText(),
                credentials.path("tenantAdmin").path("clientSecret").asText());
        String integratorId = credentials.path("integrator").path("clientId").asText();
        String integratorSecret = credentials.path("integrator").path("clientSecret").asText();
        List<String> instruments = referenceData(admin);
        progress(t0, "tenant " + tenantId + " (" + slug + "): 3 assets, " + instruments.size()
                + " instruments, risk parameters, prices");

        List<UUID> ids = copyAccounts(UUID.fromString(tenantId), accounts, seed);
        progress(t0, String.format(Locale.ROOT, "%,d accounts copied into PostgreSQL", ids.size()));

        String integrator = api.token(integratorId, integratorSecret);
        Random random = new Random(seed);
        int positions = 0;
        long snapshotNanos = 0;
        for (int from = 0; from < ids.size(); from += ACCOUNTS_PER_SNAPSHOT) {
            List<Map<String, Object>> pos = new ArrayList<>();
            List<Map<String, Object>> bal = new ArrayList<>();
            for (UUID id : ids.subList(from, Math.min(from + ACCOUNTS_PER_SNAPSHOT, ids.size()))) {
                portfolio(id.toString(), instruments, positionsPerAccount, random, pos, bal);
            }
            long s = System.nanoTime();
            if (from > 0 && from % 20_000 == 0) {
                integrator = api.token(integratorId, integratorSecret); // tokens live minutes, a load longer
            }
            api.call(integrator, "POST", "/api/v1/snapshots", Map.of("positions", pos, "balances", bal), 200);
            snapshotNanos += System.nanoTime() - s;
            positions += pos.size();
            if ((from / ACCOUNTS_PER_SNAPSHOT) % 10 == 9 || from + ACCOUNTS_PER_SNAPSHOT >= ids.size()) {
                progress(t0, String.format(Locale.ROOT, "%,d positions and %,d balances through POST /snapshots"
                        + " (%,.0f rows/s)", positions, Math.min(from + ACCOUNTS_PER_SNAPSHOT, ids.size()),
                        (positions + Math.min(from + ACCOUNTS_PER_SNAPSHOT, ids.size())) / (snapshotNanos / 1e9)));
            }
        }
        Map<String, Double> prices = new LinkedHashMap<>(PRICES);
        return new LoadTenant(tenantId, integratorId, integratorSecret, prices, instruments, ids.size(), positions);
    }

    private List<String> referenceData(String admin) throws Exception {
        for (Object[] a : new Object[][] {{"USDT", 6}, {"BTC", 8}, {"ETH", 18}}) {
            JsonNode asset = api.call(admin, "POST", "/api/v1/assets",
                    Map.of("symbol", a[0], "decimals", a[1], "priceSource", "load:" + a[0]), 201);
            String haircut = "USDT".equals(a[0]) ? "0.01" : "0.10";
            api.call(admin, "POST", "/api/v1/assets/" + asset.path("id").asText() + "/risk-parameters",
                    DemoSeeder.parameters(effectiveFrom(), "0.10", "0.05", haircut), 201);
        }
        String expiry = DemoSeeder.quarterlyExpiry();
        String tag = LocalDate.parse(expiry.substring(0, 10))
                .format(DateTimeFormatter.ofPattern("ddMMMyy", Locale.ROOT)).toUpperCase(Locale.ROOT);
        List<Map<String, Object>> defs = new ArrayList<>();
        defs.add(DemoSeeder.instrument("BTC-PERP", "PERPETUAL", "BTC", "1", null, null, null));
        defs.add(DemoSeeder.instrument("ETH-PERP", "PERPETUAL", "ETH", "1", null, null, null));
        defs.add(DemoSeeder.instrument("BTC-" + tag, "FUTURE", "BTC", "0.1", expiry, null, null));
        defs.add(DemoSeeder.instrument("ETH-" + tag, "FUTURE", "ETH", "1", expiry, null, null));
        for (int strike : new int[] {70_000, 80_000, 90_000, 100_000, 110_000}) {
            for (String type : new String[] {"CALL", "PUT"}) {
                defs.add(DemoSeeder.instrument("BTC-" + tag + "-" + strike + "-" + type.charAt(0), "OPTION", "BTC",
                        "1", expiry, strike, type));
            }
        }
        for (int strike : new int[] {2_500, 3_000, 3_500}) {
            for (String type : new String[] {"CALL", "PUT"}) {
                defs.add(DemoSeeder.instrument("ETH-" + tag + "-" + strike + "-" + type.charAt(0), "OPTION", "ETH",
                        "1", expiry, strike, type));
            }
        }
        List<String> symbols = new ArrayList<>();
        for (Map<String, Object> def : defs) {
            JsonNode created = api.call(admin, "POST", "/api/v1/instruments", def, 201);
            boolean option = "OPTION".equals(def.get("kind"));
            api.call(admin, "POST", "/api/v1/instruments/" + created.path("id").asText() + "/risk-parameters",
                    DemoSeeder.parameters(effectiveFrom(), option ? "0.15" : "0.10", option ? "0.10" : "0.05", "0"),
                    201);
            symbols.add((String) def.get("symbol"));
        }
        api.call(admin, "PUT", "/api/v1/market/prices", Map.of("prices", List.of(
                Map.of("underlying", "USDT", "indexPriceUsd", 1),
                Map.of("underlying", "BTC", "indexPriceUsd", PRICES.get("BTC"), "annualVol", "0.55"),
                Map.of("underlying", "ETH", "indexPriceUsd", PRICES.get("ETH"), "annualVol", "0.70"))), 200);
        return symbols;
    }

    /** COPY of the account rows: one statement, one transaction. */
    private List<UUID> copyAccounts(UUID tenant, int accounts, long seed) throws Exception {
        List<UUID> ids = new ArrayList<>(accounts);
        // seeded per tenant: the same seed on another tenant gives other ids (the primary key is global)
        Random random = new Random(seed ^ tenant.getMostSignificantBits() ^ tenant.getLeastSignificantBits());
        StringBuilder csv = new StringBuilder(accounts * 100);
        // no ISOLATED accounts: their positions are margined on collateral allocated to each isolated pool, which
        // the snapshots of this load (cross balances only) do not carry, so they would all start LIQUIDATABLE
        String[] modes = {"CROSS", "CROSS", "PORTFOLIO", "CROSS", "PORTFOLIO", "CROSS"};
        for (int i = 0; i < accounts; i++) {
            UUID id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                    (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L); // version 4, IETF variant
            ids.add(id);
            csv.append(id).append(',').append(tenant).append(",load-").append(i).append(',')
                    .append(modes[i % modes.length]).append(",ACTIVE\n");
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword)) {
            c.setAutoCommit(false);
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY account (id, tenant_id, external_id, margin_mode,"
                    + " status) FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
            c.commit();
            // fresh statistics: with those of the table before the COPY, the foreign-key checks of the snapshot's
            // position insert plan a sequential scan of account per row (minutes for 20,000 rows instead of ms)
            try (var analyze = c.createStatement()) {
                analyze.execute("ANALYZE account");
            }
            c.commit();
        }
        return ids;
    }

    /** One account's positions and its USDT balance. */
    static void portfolio(String accountId, List<String> instruments, int count, Random random,
            List<Map<String, Object>> positions, List<Map<String, Object>> balances) {
        List<String> chosen = new ArrayList<>(instruments);
        Collections.shuffle(chosen, random);
        double size = 0.2 + random.nextDouble() * 4.8;
        double gross = 0;
        for (String symbol : chosen.subList(0, Math.min(count, chosen.size()))) {
            double spot = symbol.startsWith("BTC") ? PRICES.get("BTC") : PRICES.get("ETH");
            boolean option = symbol.endsWith("-C") || symbol.endsWith("-P");
            boolean future = !option && !symbol.endsWith("-PERP");
            double unit = symbol.startsWith("BTC") ? (future ? 1.0 : 0.1) : 1.5;
            double quantity = (random.nextBoolean() ? 1 : -1) * size * unit * (option ? 0.5 : 1);
            double contract = future && symbol.startsWith("BTC") ? 0.1 : 1;
            double entry = option ? spot * (0.02 + random.nextDouble() * 0.06)
                    : spot * (0.95 + random.nextDouble() * 0.1);
            gross += Math.abs(quantity) * contract * spot;
            positions.add(Map.of("accountId", accountId, "instrument", symbol,
                    "quantity", decimal(quantity, 4), "entryPrice", decimal(entry, 2)));
        }
        double collateral = gross * (0.06 + random.nextDouble() * 0.34);
        balances.add(Map.of("accountId", accountId, "asset", "USDT", "amount", decimal(collateral, 2)));
    }

    private static BigDecimal decimal(double value, int scale) {
        BigDecimal d = BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_EVEN);
        return d.signum() == 0 ? BigDecimal.ONE.movePointLeft(scale) : d;
    }

    private static String effectiveFrom() {
        return LocalDate.now(ZoneOffset.UTC).withDayOfYear(1) + "T00:00:00Z";
    }

    private void progress(long t0, String message) {
        out.printf(Locale.ROOT, "[%6.1f s] load: %s%n", (System.nanoTime() - t0) / 1e9, message);
        out.flush();
    }
}
