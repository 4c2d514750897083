package io.ballast.risk.live;

import io.ballast.risk.governance.repository.RiskSettingsRepository;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.domain.TenantStatus;
import io.ballast.risk.market.OracleStatusService;
import io.ballast.risk.market.OracleHealth;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.repository.AccountRepository;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.MarginDataRepository;
import io.ballast.risk.repository.MarketPriceRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads what a hot book is built from, in one session; and the small reads that keep it current. */
@ApplicationScoped
public class BookLoader {

    private final RiskSettingsRepository riskSettings;

    private final AccountRepository accounts;
    private final AssetRepository assets;
    private final InstrumentRepository instruments;
    private final MarginDataRepository data;
    private final MarketPriceRepository prices;
    private final OracleStatusService oracles;
    private final LiveSettings settings;

    /** Wires collaborators. */
    public BookLoader(AccountRepository accounts, AssetRepository assets, InstrumentRepository instruments,
            MarginDataRepository data, MarketPriceRepository prices, OracleStatusService oracles,
            LiveSettings settings, RiskSettingsRepository riskSettings) {
        this.riskSettings = riskSettings;
        this.accounts = accounts;
        this.assets = assets;
        this.instruments = instruments;
        this.data = data;
        this.prices = prices;
        this.oracles = oracles;
        this.settings = settings;
    }

    /**
     * A tenant's book, read in one session (the event mark first, so that events after it are applied again).
     *
     * @param tenant the tenant
     * @return the book (nothing evaluated yet)
     */
    @WithSession
    public Uni<TenantBook> load(TenantId tenant) {
        return latestEventId(tenant).flatMap(mark -> latestParametersId(tenant).flatMap(parametersMark -> assets.listFor(tenant)
                .flatMap(as -> instruments.listFor(tenant)
                        .flatMap(is -> data.parametersInForce(tenant, OffsetDateTime.now(ZoneOffset.UTC))
                                .flatMap(ps -> riskSettings.inForce(tenant, OffsetDateTime.now(ZoneOffset.UTC))
                                .flatMap(rs -> prices.latest(tenant)
                                        .flatMap(mp -> oracles.status(tenant)
                                                .flatMap(os -> accounts.open(tenant)
                                                        .flatMap(acc -> data.balances(tenant, null)
                                                                .flatMap(bs -> data.positions(tenant, null)
                                                                        .flatMap(pos -> states(tenant)
                                                                                .map(st -> {
                                                                                    Map<String, OracleHealth> h = new HashMap<>();
                                                                                    os.forEach((s, v) -> h.put(s, v.health()));
                                                                                    return new TenantBook(tenant, settings, mark, as, is, ps, rs, mp, h,
                                                                                            acc, bs, pos, st).withParametersMark(parametersMark);
                                                                                }))))))))))));
    }

    /**
     * The highest {@code ballast.events} outbox id of a tenant (0 when none).
     *
     * @param tenant the tenant
     * @return the id
     */
    @WithSession
    public Uni<Long> latestEventId(TenantId tenant) {
        return latestId(tenant, Topics.EVENTS);
    }

    /**
     * The highest {@code ballast.parameters} outbox id of a tenant (0 when none): a parameter or settings version
     * that took effect after a book was read makes the book stale until it is rebuilt.
     *
     * @param tenant the tenant
     * @return the id
     */
    @WithSession
    public Uni<Long> latestParametersId(TenantId tenant) {
        return latestId(tenant, Topics.PARAMETERS);
    }

    private Uni<Long> latestId(TenantId tenant, String topic) {
        return Panache.getSession().flatMap(s -> s.createSelectionQuery("select coalesce(max(e.id), 0) from "
                        + "OutboxEvent e where e.tenantId = :t and e.topic = :topic", Long.class)
                .setParameter("t", tenant.value()).setParameter("topic", topic).getSingleResult());
    }

    /**
     * One account's rows after a change.
     *
     * @param tenant    the tenant
     * @param accountId the account
     * @return the account (null when unknown or CLOSED), balances and positions
     */
    @WithSession
    public Uni<AccountRows> account(TenantId tenant, UUID accountId) {
        return accounts.find(tenant, accountId).flatMap(a -> data.balances(tenant, accountId)
                .flatMap(bs -> data.positions(tenant, accountId).map(pos -> new AccountRows(
                        a == null || a.status == io.ballast.risk.domain.AccountStatus.CLOSED ? null : a, bs, pos))));
    }

    /**
     * An account's rows.
     *
     * @param account   the account, or null when not open
     * @param balances  its balances
     * @param positions its positions
     */
    public record AccountRows(io.ballast.risk.domain.Account account, List<io.ballast.risk.domain.Balance> balances,
            List<io.ballast.risk.domain.Position> positions) {
    }

    /**
     * The tenant's prices in force and its oracles' health.
     *
     * @param tenant the tenant
     * @return prices in force and health by asset symbol
     */
    @WithSession
    public Uni<Prices> prices(TenantId tenant) {
        return prices.latest(tenant).flatMap(ps -> oracles.status(tenant).map(os -> {
            Map<String, OracleHealth> h = new HashMap<>();
            os.forEach((s, v) -> h.put(s, v.health()));
            return new Prices(ps, h);
        }));
    }

    /**
     * Prices in force and oracle health.
     *
     * @param latest the price in force per asset
     * @param health oracle health by asset symbol
     */
    public record Prices(List<io.ballast.risk.domain.MarketPrice> latest, Map<String, OracleHealth> health) {
    }

    /** @return ids of every ACTIVE tenant */
    @WithSession
    public Uni<List<UUID>> activeTenants() {
        return Panache.getSession().flatMap(s -> s.createSelectionQuery("select t.id from Tenant t where t.status = "
                + ":a", UUID.class).setParameter("a", TenantStatus.ACTIVE).getResultList());
    }

    private Uni<List<AccountMarginState>> states(TenantId tenant) {
        return Panache.getSession().flatMap(s -> s.createSelectionQuery("from AccountMarginState s where "
                + "s.id.tenantId = :t", AccountMarginState.class).setParameter("t", tenant.value()).getResultList());
    }
}
