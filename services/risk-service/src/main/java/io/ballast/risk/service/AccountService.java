package io.ballast.risk.service;

import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.AccountStatus;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.MarginMode;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AccountRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Margin accounts of a tenant. */
@ApplicationScoped
public class AccountService {

    private final AccountRepository accounts;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public AccountService(AccountRepository accounts, OutboxWriter outbox) {
        this.accounts = accounts;
        this.outbox = outbox;
    }

    /** Opens an ACTIVE account; 409 when the external id is taken within the tenant. */
    @WithTransaction
    public Uni<Account> create(TenantId tenant, String externalId, MarginMode marginMode) {
        return accounts.findByExternalId(tenant, externalId).flatMap(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(ApiException.conflict("account " + externalId + " exists"));
            }
            Account a = new Account();
            a.id = UUID.randomUUID();
            a.tenantId = tenant.value();
            a.externalId = externalId;
            a.marginMode = marginMode;
            a.status = AccountStatus.ACTIVE;
            a.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            a.updatedAt = a.createdAt;
            return accounts.persist(a).call(x -> outbox.record(tenant, "account", x.id, "AccountOpened",
                    Map.of("accountId", x.id, "externalId", externalId, "marginMode", marginMode)));
        });
    }

    /** A page of the tenant's accounts. */
    public Uni<List<Account>> page(TenantId tenant, int offset, int limit) {
        return accounts.page(tenant, offset, limit);
    }

    /**
     * The page of the tenant's accounts after the account {@code after} (a cursor: the id of the last account of the
     * previous page); 400 naming {@code after} when the tenant has no such account.
     */
    public Uni<List<Account>> pageAfter(TenantId tenant, UUID after, int limit) {
        return accounts.find(tenant, after).onItem().ifNull().failWith(() -> ApiException.badRequest(
                        "unknown cursor", List.of(FieldError.of("after", "not an account of this tenant"))))
                .flatMap(cursor -> accounts.pageAfter(tenant, cursor, limit));
    }

    /** One account; 404 when unknown to this tenant. */
    public Uni<Account> get(TenantId tenant, UUID id) {
        return accounts.find(tenant, id).onItem().ifNull().failWith(() -> ApiException.notFound("account", id));
    }

    /** The account, required to be ACTIVE (409 otherwise; 404 when unknown). */
    public Uni<Account> requireActive(TenantId tenant, UUID id) {
        return accounts.findForShare(tenant, id).onItem().ifNull()
                .failWith(() -> ApiException.notFound("account", id)).invoke(a -> {
            if (a.status != AccountStatus.ACTIVE) {
                throw ApiException.conflict("account " + id + " is " + a.status);
            }
        });
    }

    /**
     * The account, required to be ACTIVE, locked {@code for no key update} (see
     * {@link AccountRepository#findForNoKeyUpdate}): a margin-checked withdrawal or transfer holds it, so no position
     * or balance of the account changes until it commits (409 when not ACTIVE; 404 when unknown).
     */
    public Uni<Account> requireActiveExclusive(TenantId tenant, UUID id) {
        return accounts.findForNoKeyUpdate(tenant, id).onItem().ifNull()
                .failWith(() -> ApiException.notFound("account", id)).invoke(a -> {
            if (a.status != AccountStatus.ACTIVE) {
                throw ApiException.conflict("account " + id + " is " + a.status);
            }
        });
    }

    /**
     * Changes margin mode and/or status (null leaves a field as is); a CLOSED account stays closed. Closing an account
     * that still holds an open position or a non-zero balance (of its cross pool or of an isolated pool) is a 409
     * naming what it holds (so an account that holds anything is never closed and never drops out of a summary).
     * Switching into or out of ISOLATED while the account holds an open position or isolated collateral is a 409
     * too: it would move positions between pools (an isolated position without collateral, or isolated collateral
     * no pool uses). In both cases the account is locked for update while checking, and ledger and position writes
     * lock it for share, so no write slips in between.
     */
    @WithTransaction
    public Uni<Account> update(TenantId tenant, UUID id, MarginMode marginMode, AccountStatus status) {
        boolean closing = status == AccountStatus.CLOSED;
        boolean checkMode = marginMode != null;
        Uni<Account> found = closing || checkMode ? accounts.findForUpdate(tenant, id).onItem().ifNull()
                .failWith(() -> ApiException.notFound("account", id)) : get(tenant, id);
        return found.flatMap(a -> {
            boolean closes = closing && a.status != AccountStatus.CLOSED;
            boolean switches = checkMode && marginMode != a.marginMode
                    && (marginMode == MarginMode.ISOLATED || a.marginMode == MarginMode.ISOLATED);
            if (!closes && !switches) {
                return Uni.createFrom().item(a);
            }
            Uni<List<Object[]>> named = closes ? accounts.holdingsNamed(tenant, id) : Uni.createFrom().item(List.of());
            return named.flatMap(held -> accounts.holdings(tenant, id).map(h -> {
                if (closes && !held.isEmpty()) {
                    throw notEmpty(id, held);
                }
                if (switches && (h[0] > 0 || h[2] > 0)) {
                    throw new ApiException(409, "Margin Mode Locked", "account " + id + " holds " + h[0]
                            + " open position(s) and " + h[2] + " non-zero isolated balance(s): it cannot switch "
                            + "from " + a.marginMode + " to " + marginMode + " until they are closed and returned to "
                            + "the cross pool", List.of(FieldError.of("marginMode",
                            "cannot switch into or out of ISOLATED while holding positions or isolated collateral")));
                }
                return a;
            }));
        }).flatMap(a -> {
            if (a.status == AccountStatus.CLOSED && status != null && status != AccountStatus.CLOSED) {
                return Uni.createFrom().failure(ApiException.conflict("account " + id + " is closed"));
            }
            Map<String, Object> change = new HashMap<>();
            change.put("accountId", id);
            if (marginMode != null) {
                a.marginMode = marginMode;
                change.put("marginMode", marginMode);
            }
            if (status != null) {
                a.status = status;
                change.put("status", status);
            }
            a.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
            return outbox.record(tenant, "account", id, "AccountUpdated", change).replaceWith(a);
        });
    }

    /**
     * The 409 refusing to close an account that still holds something: the detail counts and names every holding,
     * and the problem's {@code errors} list one entry per holding ({@code positions[<instrument>]},
     * {@code balances[<asset>]}, {@code isolatedPools[<instrument>].balances[<asset>]}), with its quantity or amount.
     */
    private static ApiException notEmpty(UUID id, List<Object[]> held) {
        long positions = held.stream().filter(r -> "position".equals(r[0])).count();
        long balances = held.size() - positions;
        List<FieldError> errors = new java.util.ArrayList<>();
        List<String> named = new java.util.ArrayList<>();
        for (Object[] r : held) {
            String amount = ((java.math.BigDecimal) r[3]).stripTrailingZeros().toPlainString();
            switch ((String) r[0]) {
                case "position" -> {
                    errors.add(FieldError.of("positions[" + r[1] + "]", "open position of " + amount + " contracts"));
                    named.add("position " + r[1] + " " + amount);
                }
                case "balance" -> {
                    errors.add(FieldError.of("balances[" + r[2] + "]", "balance of " + amount));
                    named.add("balance " + amount + " " + r[2]);
                }
                default -> {
                    errors.add(FieldError.of("isolatedPools[" + r[1] + "].balances[" + r[2] + "]",
                            "isolated balance of " + amount));
                    named.add("isolated pool " + r[1] + " " + amount + " " + r[2]);
                }
            }
        }
        return new ApiException(409, "Account Not Empty", "account " + id + " still holds " + positions
                + " open position(s) and " + balances + " non-zero balance(s) (" + String.join("; ", named)
                + "); close the positions and withdraw the balances first", errors);
    }
}
