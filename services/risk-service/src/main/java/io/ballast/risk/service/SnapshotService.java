package io.ballast.risk.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.config.BallastConfig;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.InstrumentRepository;
import io.ballast.risk.repository.SnapshotRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Bulk synchronisation of positions and balances. A snapshot is validated as a whole first; if any row is bad the
 * answer lists every bad row (index, field, reason) and nothing changes: 404 when some row references an account,
 * instrument or asset the tenant does not have (another tenant's ids included), 422 otherwise. A good snapshot is applied in one
 * transaction: the positions of every account it names (by a position or a balance row) are replaced by its rows,
 * so an account named only by balances ends with no position, and each named balance is set to its amount with the
 * difference booked in the ledger. The named accounts, then the named balance rows, are locked in key order, so
 * overlapping snapshots serialise without deadlock and a deposit racing the snapshot keeps the ledger summing to the
 * balance.
 */
@ApplicationScoped
public class SnapshotService {

    /** Largest number of integer digits accepted in quantities, prices and amounts. */
    public static final int MAX_INTEGER_DIGITS = 20;
    /** Largest number of decimal places accepted (the columns are numeric(38, 18)). */
    public static final int MAX_SCALE = 18;

    /**
     * One position row.
     *
     * @param accountId  the tenant's account id (uuid)
     * @param instrument instrument symbol
     * @param quantity   signed, non-zero quantity in contracts
     * @param entryPrice positive average entry price
     */
    public record PositionRow(String accountId, String instrument, BigDecimal quantity, BigDecimal entryPrice) {
    }

    /**
     * One balance row.
     *
     * @param accountId the tenant's account id (uuid)
     * @param asset     asset symbol
     * @param amount    the balance to set, in asset units, not negative
     */
    public record BalanceRow(String accountId, String asset, BigDecimal amount) {
    }

    /**
     * What was applied.
     *
     * @param positions       position rows written
     * @param balances        balance rows set
     * @param ledgerEntries   SYNC_ADJUSTMENT entries booked (balances that changed)
     * @param accounts        distinct accounts named by the snapshot
     */
    public record Applied(int positions, int balances, int ledgerEntries, int accounts) {
    }

    private final SnapshotRepository snapshots;
    private final InstrumentRepository instruments;
    private final AssetRepository assets;
    private final OutboxWriter outbox;
    private final ObjectMapper mapper;
    private final int maxRows;

    /** Wires collaborators. */
    public SnapshotService(SnapshotRepository snapshots, InstrumentRepository instruments, AssetRepository assets,
            OutboxWriter outbox, ObjectMapper mapper, BallastConfig config) {
        this.snapshots = snapshots;
        this.instruments = instruments;
        this.assets = assets;
        this.outbox = outbox;
        this.mapper = mapper;
        this.maxRows = config.api().maxSnapshotRows();
    }

    /** Null when the number fits numeric(38, 18) with at most 20 integer digits, else the reason. */
    public static String digitsProblem(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        int scale = Math.max(v.scale(), 0);
        int integerDigits = v.precision() - v.scale();
        if (scale > MAX_SCALE) {
            return "at most " + MAX_SCALE + " decimal places";
        }
        if (integerDigits > MAX_INTEGER_DIGITS) {
            return "at most " + MAX_INTEGER_DIGITS + " integer digits";
        }
        return null;
    }

    /** Validates and applies a snapshot; 422 listing every bad row when any row is bad. */
    @WithTransaction
    public Uni<Applied> apply(TenantId tenant, List<PositionRow> positions, List<BalanceRow> balances) {
        List<PositionRow> pos = positions == null ? List.of() : positions;
        List<BalanceRow> bal = balances == null ? List.of() : balances;
        if (pos.size() + bal.size() > maxRows) {
            return Uni.createFrom().failure(ApiException.unprocessable("a snapshot holds at most " + maxRows
                    + " rows", List.of(FieldError.of("positions", "too many rows: " + (pos.size() + bal.size())))));
        }
        Set<String> ids = new LinkedHashSet<>();
        pos.forEach(r -> addUuid(ids, r == null ? null : r.accountId()));
        bal.forEach(r -> addUuid(ids, r == null ? null : r.accountId()));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return snapshots.lockAccounts(tenant, json(new ArrayList<>(ids)))
                .flatMap(statuses -> snapshots.expiredPositions(tenant, json(new ArrayList<>(ids)), now)
                .flatMap(held -> instruments.listFor(tenant).flatMap(is -> assets.listFor(tenant).flatMap(as -> {
                    Map<String, Instrument> bySymbol = new HashMap<>();
                    Map<UUID, Instrument> byId = new HashMap<>();
                    for (Instrument i : is) {
                        bySymbol.put(i.symbol, i);
                        byId.put(i.id, i);
                    }
                    Map<String, UUID> assetIds = new HashMap<>();
                    for (Asset a : as) {
                        assetIds.put(a.symbol, a.id);
                    }
                    List<FieldError> errors = new ArrayList<>();
                    List<Map<String, Object>> posRows = validatePositions(pos, statuses, bySymbol, errors);
                    List<Map<String, Object>> balRows = validateBalances(bal, statuses, assetIds, errors);
                    List<FieldError> expired = errors.isEmpty() ? expiredChanges(posRows, held, byId, now)
                            : List.of();
                    if (!errors.isEmpty() || !expired.isEmpty()) {
                        List<FieldError> all = errors.isEmpty() ? expired : errors;
                        String detail = "snapshot rejected: " + all.size() + " problem(s); nothing was changed";
                        boolean unknownReference = errors.stream().anyMatch(e -> e.message().startsWith("unknown "));
                        return Uni.createFrom().failure(unknownReference
                                ? ApiException.unknownReferences(detail, errors)
                                : errors.isEmpty() ? new ApiException(409, PositionService.INSTRUMENT_EXPIRED,
                                        detail + ": positions in an expired instrument are settled and closed by "
                                        + "the settlement job, not changed", expired)
                                : ApiException.unprocessable(detail, errors));
                    }
                    // every account the snapshot names gets exactly the positions it lists: an account named only
                    // by its balances holds no position afterwards (docs/api.md section 6); its positions in
                    // expired instruments, listed unchanged, are left as they are
                    posRows.removeIf(r -> byId.get(UUID.fromString((String) r.get("instrument_id"))).expiredAt(now));
                    Uni<Integer> appliedPositions = snapshots.replacePositions(tenant, json(new ArrayList<>(ids)),
                            json(posRows), now);
                    return appliedPositions.flatMap(np -> (bal.isEmpty() ? Uni.createFrom().item(0)
                                    : snapshots.setBalances(tenant, json(balRows), "snapshot"))
                            .map(entries -> new Applied(np, balRows.size(), entries, ids.size())))
                            .call(applied -> outbox.record(tenant, "snapshot", UUID.randomUUID(), "SnapshotApplied",
                                    applied));
                }))));
    }

    private static void addUuid(Set<String> ids, String text) {
        UUID id = parseUuid(text);
        if (id != null) {
            ids.add(id.toString());
        }
    }

    private static UUID parseUuid(String text) {
        if (text == null) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String checkAccount(String text, Map<String, String> statuses) {
        if (text == null || text.isBlank()) {
            return "required";
        }
        UUID id = parseUuid(text);
        if (id == null) {
            return "not a uuid";
        }
        String status = statuses.get(id.toString());
        if (status == null) {
            return "unknown account " + text;
        }
        if (!"ACTIVE".equals(status)) {
            return "account " + text + " is " + status;
        }
        return null;
    }

    private static List<Map<String, Object>> validatePositions(List<PositionRow> rows, Map<String, String> statuses,
            Map<String, Instrument> instrumentsBySymbol, List<FieldError> errors) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            PositionRow r = rows.get(i);
            String at = "positions[" + i + "].";
            if (r == null) {
                errors.add(new FieldError(i, "positions[" + i + "]", "row is null"));
                continue;
            }
            int before = errors.size();
            String account = checkAccount(r.accountId(), statuses);
            if (account != null) {
                errors.add(new FieldError(i, at + "accountId", account));
            }
            Instrument known = r.instrument() == null ? null : instrumentsBySymbol.get(r.instrument());
            UUID instrument = known == null ? null : known.id;
            if (r.instrument() == null || r.instrument().isBlank()) {
                errors.add(new FieldError(i, at + "instrument", "required"));
            } else if (instrument == null) {
                errors.add(new FieldError(i, at + "instrument", "unknown instrument " + r.instrument()));
            }
            if (r.quantity() == null) {
                errors.add(new FieldError(i, at + "quantity", "required"));
            } else if (r.quantity().signum() == 0) {
                errors.add(new FieldError(i, at + "quantity", "must not be zero (leave the row out to close)"));
            } else if (digitsProblem(r.quantity()) != null) {
                errors.add(new FieldError(i, at + "quantity", digitsProblem(r.quantity())));
            }
            if (r.entryPrice() == null) {
                errors.add(new FieldError(i, at + "entryPrice", "required"));
            } else if (r.entryPrice().signum() <= 0) {
                errors.add(new FieldError(i, at + "entryPrice", "must be positive"));
            } else if (digitsProblem(r.entryPrice()) != null) {
                errors.add(new FieldError(i, at + "entryPrice", digitsProblem(r.entryPrice())));
            }
            if (errors.size() > before) {
                continue;
            }
            String accountId = UUID.fromString(r.accountId()).toString();
            Integer first = seen.putIfAbsent(accountId + "/" + r.instrument(), i);
            if (first != null) {
                errors.add(new FieldError(i, at + "instrument", "duplicate of positions[" + first + "]"));
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("account_id", accountId);
            row.put("instrument_id", instrument.toString());
            row.put("quantity", r.quantity().toPlainString());
            row.put("entry_price", r.entryPrice().toPlainString());
            row.put("index", i);
            out.add(row);
        }
        return out;
    }

    /**
     * The changes a snapshot would make to positions in expired instruments (which wait for settlement): a row in an
     * expired instrument that differs from the stored position (or has none), and a stored position of a named
     * account that the snapshot leaves out (it would close it). A row equal to the stored position changes nothing
     * and is accepted.
     *
     * @param rows   the valid position rows (with their index)
     * @param held   the named accounts' stored positions in expired instruments
     * @param byId   the tenant's instruments by id
     * @param now    the time expiry is judged at
     * @return one error per change, empty when there is none
     */
    private static List<FieldError> expiredChanges(List<Map<String, Object>> rows, List<Object[]> held,
            Map<UUID, Instrument> byId, OffsetDateTime now) {
        Map<String, Object[]> stored = new HashMap<>();
        held.forEach(h -> stored.put(h[0] + "/" + h[1], h));
        List<FieldError> errors = new ArrayList<>();
        Set<String> listed = new java.util.HashSet<>();
        for (Map<String, Object> r : rows) {
            Instrument i = byId.get(UUID.fromString((String) r.get("instrument_id")));
            if (!i.expiredAt(now)) {
                continue;
            }
            String key = r.get("account_id") + "/" + r.get("instrument_id");
            listed.add(key);
            Object[] h = stored.get(key);
            boolean same = h != null && new BigDecimal((String) r.get("quantity")).compareTo((BigDecimal) h[2]) == 0
                    && new BigDecimal((String) r.get("entry_price")).compareTo((BigDecimal) h[3]) == 0;
            if (!same) {
                int index = (Integer) r.get("index");
                errors.add(new FieldError(index, "positions[" + index + "].instrument", "instrument " + i.symbol
                        + " expired at " + i.expiry + (h == null ? ": no position can be opened in it"
                        : ": the position of account " + r.get("account_id") + " is " + plain(h[2]) + " at "
                        + plain(h[3]) + " until settlement; list it unchanged")));
            }
        }
        for (Object[] h : held) {
            if (!listed.contains(h[0] + "/" + h[1])) {
                Instrument i = byId.get(UUID.fromString((String) h[1]));
                errors.add(FieldError.of("positions", "account " + h[0] + " holds " + plain(h[2])
                        + " of instrument " + i.symbol + ", expired at " + i.expiry
                        + " and not settled yet: the snapshot would close it; list it unchanged"));
            }
        }
        return errors;
    }

    private static String plain(Object decimal) {
        return ((BigDecimal) decimal).stripTrailingZeros().toPlainString();
    }

    private static List<Map<String, Object>> validateBalances(List<BalanceRow> rows, Map<String, String> statuses,
            Map<String, UUID> assetIds, List<FieldError> errors) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            BalanceRow r = rows.get(i);
            String at = "balances[" + i + "].";
            if (r == null) {
                errors.add(new FieldError(i, "balances[" + i + "]", "row is null"));
                continue;
            }
            int before = errors.size();
            String account = checkAccount(r.accountId(), statuses);
            if (account != null) {
                errors.add(new FieldError(i, at + "accountId", account));
            }
            UUID asset = r.asset() == null ? null : assetIds.get(r.asset());
            if (r.asset() == null || r.asset().isBlank()) {
                errors.add(new FieldError(i, at + "asset", "required"));
            } else if (asset == null) {
                errors.add(new FieldError(i, at + "asset", "unknown asset " + r.asset()));
            }
            if (r.amount() == null) {
                errors.add(new FieldError(i, at + "amount", "required"));
            } else if (r.amount().signum() < 0) {
                errors.add(new FieldError(i, at + "amount", "must not be negative"));
            } else if (digitsProblem(r.amount()) != null) {
                errors.add(new FieldError(i, at + "amount", digitsProblem(r.amount())));
            }
            if (errors.size() > before) {
                continue;
            }
            String accountId = UUID.fromString(r.accountId()).toString();
            Integer first = seen.putIfAbsent(accountId + "/" + r.asset(), i);
            if (first != null) {
                errors.add(new FieldError(i, at + "asset", "duplicate of balances[" + first + "]"));
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("account_id", accountId);
            row.put("asset_id", asset.toString());
            row.put("amount", r.amount().toPlainString());
            out.add(row);
        }
        return out;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
