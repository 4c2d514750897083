package io.ballast.risk.rest;

import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.AccountStatus;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.domain.InstrumentKind;
import io.ballast.risk.domain.MarginMode;
import io.ballast.risk.domain.OptionType;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.domain.RiskParameterSet;
import io.ballast.risk.domain.Tenant;
import io.ballast.risk.domain.TenantStatus;
import io.ballast.risk.service.LedgerService;
import io.ballast.risk.service.SnapshotService;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Request and response bodies of the REST API. Amounts, quantities and prices are JSON numbers read as
 * {@link BigDecimal} (never floating point); NaN and Infinity are not JSON and are refused. Times are ISO-8601 with
 * offset, returned in UTC.
 */
public final class ApiModels {

    private ApiModels() {
    }

    // ---- tenants ----

    /**
     * Onboarding request.
     *
     * @param name display name
     * @param slug lowercase id used in client ids: letters, digits, dashes; 2 to 40 characters
     */
    public record NewTenant(@NotBlank @Size(max = 200) String name,
            @NotNull @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,39}", message = "2-40 of a-z, 0-9, '-'") String slug) {
    }

    /**
     * A tenant.
     *
     * @param id                  tenant id (the tokens' tenant_id claim)
     * @param name                display name
     * @param slug                slug
     * @param status              ACTIVE or SUSPENDED
     * @param integratorClientId  client id of its integrator client
     * @param adminClientId       client id of its tenant-admin client
     * @param createdAt           onboarding time
     */
    public record TenantView(UUID id, String name, String slug, TenantStatus status, String integratorClientId,
            String adminClientId, OffsetDateTime createdAt) {
        static TenantView of(Tenant t) {
            return new TenantView(t.id, t.name, t.slug, t.status, t.integratorClientId, t.adminClientId, t.createdAt);
        }
    }

    /**
     * Client credentials for the client-credentials grant.
     *
     * @param clientId      OAuth client id
     * @param clientSecret  its secret (shown once); null when a rotation of this client failed
     * @param rotationError why the rotation of this client failed (retry the rotation), or null
     */
    public record ClientCredentials(String clientId, String clientSecret, String rotationError) {

        /** Credentials that were issued. */
        public ClientCredentials(String clientId, String clientSecret) {
            this(clientId, clientSecret, null);
        }
    }

    /**
     * The answer to onboarding or credential rotation: the secrets appear here and nowhere else.
     *
     * @param tenant      the tenant
     * @param tokenUrl    where to exchange the credentials for tokens
     * @param integrator  the integrator client
     * @param tenantAdmin the tenant-admin client
     */
    public record TenantCredentials(TenantView tenant, String tokenUrl, ClientCredentials integrator,
            ClientCredentials tenantAdmin) {
    }

    // ---- assets and instruments ----

    /**
     * New collateral asset.
     *
     * @param symbol      ticker, unique in the tenant
     * @param decimals    on-chain decimals, 0 to 36
     * @param priceSource where prices come from
     */
    public record NewAsset(@NotNull @Pattern(regexp = "[A-Za-z0-9._-]{1,32}") String symbol,
            @Min(0) @Max(36) int decimals, @NotBlank @Size(max = 200) String priceSource) {
    }

    /**
     * A collateral asset.
     *
     * @param id          asset id
     * @param symbol      ticker
     * @param decimals    on-chain decimals
     * @param priceSource price source
     * @param createdAt   creation time
     */
    public record AssetView(UUID id, String symbol, int decimals, String priceSource, OffsetDateTime createdAt) {
        static AssetView of(Asset a) {
            return new AssetView(a.id, a.symbol, a.decimals, a.priceSource, a.createdAt);
        }
    }

    /**
     * New instrument. Perpetuals have no expiry; futures need one; options need expiry, strike and optionType and
     * are European.
     *
     * @param symbol       ticker, unique in the tenant
     * @param kind         PERPETUAL, FUTURE or OPTION
     * @param underlying   symbol of the underlying asset
     * @param settlement   symbol of the settlement asset
     * @param contractSize units of underlying per contract (USD of face value for an inverse perpetual or future),
     *                     positive
     * @param expiry       expiry time
     * @param strike       option strike, positive
     * @param optionType   CALL or PUT
     * @param inverse      true for a coin-settled (inverse) instrument, which settles in its underlying; absent means
     *                     false
     */
    public record NewInstrument(@NotNull @Pattern(regexp = "[A-Za-z0-9._:-]{1,64}") String symbol,
            @NotNull InstrumentKind kind, @NotBlank String underlying, @NotBlank String settlement,
            @NotNull @Positive @Digits(integer = 20, fraction = 18) BigDecimal contractSize, OffsetDateTime expiry,
            @Positive @Digits(integer = 20, fraction = 18) BigDecimal strike, OptionType optionType,
            Boolean inverse) {
    }

    /**
     * An instrument.
     *
     * @param id            instrument id
     * @param symbol        ticker
     * @param kind          kind
     * @param underlyingId  underlying asset id
     * @param settlementId  settlement asset id
     * @param contractSize  units of underlying per contract
     * @param expiry        expiry or null
     * @param strike        strike or null
     * @param optionType    CALL/PUT or null
     * @param exerciseStyle EUROPEAN or null
     * @param inverse       whether coin-settled
     * @param createdAt     creation time
     */
    public record InstrumentView(UUID id, String symbol, InstrumentKind kind, UUID underlyingId, UUID settlementId,
            BigDecimal contractSize, OffsetDateTime expiry, BigDecimal strike, OptionType optionType,
            String exerciseStyle, boolean inverse, OffsetDateTime createdAt) {
        static InstrumentView of(Instrument i) {
            return new InstrumentView(i.id, i.symbol, i.kind, i.underlyingId, i.settlementId, i.contractSize,
                    i.expiry, i.strike, i.optionType, i.exerciseStyle, i.inverse, i.createdAt);
        }
    }

    // ---- risk parameters ----

    /**
     * New risk parameter version. Fractions are plain fractions (0.05 = 5 %).
     *
     * @param effectiveFrom             when the version takes effect
     * @param initialMarginFraction     in (0, 1]
     * @param maintenanceMarginFraction in (0, initialMarginFraction]
     * @param collateralHaircut         in [0, 1)
     * @param liquidationFeeFraction    in [0, 1)
     * @param maxPositionNotional       optional positive cap
     */
    public record NewRiskParameters(@NotNull OffsetDateTime effectiveFrom,
            @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") @Digits(integer = 1, fraction = 18)
            BigDecimal initialMarginFraction,
            @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") @Digits(integer = 1, fraction = 18)
            BigDecimal maintenanceMarginFraction,
            @NotNull @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) @Digits(integer = 1, fraction = 18)
            BigDecimal collateralHaircut,
            @NotNull @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) @Digits(integer = 1, fraction = 18)
            BigDecimal liquidationFeeFraction,
            @Positive @Digits(integer = 20, fraction = 18) BigDecimal maxPositionNotional) {
    }

    /**
     * A risk parameter version.
     *
     * @param id            row id
     * @param scope         ASSET or INSTRUMENT
     * @param targetId      asset or instrument id
     * @param version       1, 2, ...
     * @param effectiveFrom when it takes effect
     * @param parameters    the values
     * @param createdAt     when it was written
     */
    public record RiskParameterView(UUID id, RiskParameterScope scope, UUID targetId, int version,
            OffsetDateTime effectiveFrom, RiskParameterSet parameters, OffsetDateTime createdAt) {
        static RiskParameterView of(RiskParameter p) {
            return new RiskParameterView(p.id, p.scope, p.targetId, p.version, p.effectiveFrom, p.parameters(),
                    p.createdAt);
        }
    }

    // ---- accounts ----

    /**
     * New account.
     *
     * @param externalId the tenant's id for it (e.g. a wallet address), unique in the tenant
     * @param marginMode ISOLATED, CROSS or PORTFOLIO
     */
    public record NewAccount(@NotBlank @Size(max = 200) String externalId, @NotNull MarginMode marginMode) {
    }

    /**
     * Account change; absent fields stay as they are.
     *
     * @param marginMode new margin mode
     * @param status     new status (a CLOSED account cannot be reopened)
     */
    public record AccountChange(MarginMode marginMode, AccountStatus status) {
    }

    /**
     * An account.
     *
     * @param id         account id
     * @param externalId the tenant's id
     * @param marginMode margin mode
     * @param status     status
     * @param createdAt  creation time
     * @param updatedAt  last change
     */
    public record AccountView(UUID id, String externalId, MarginMode marginMode, AccountStatus status,
            OffsetDateTime createdAt, OffsetDateTime updatedAt) {
        static AccountView of(Account a) {
            return new AccountView(a.id, a.externalId, a.marginMode, a.status, a.createdAt, a.updatedAt);
        }
    }

    // ---- collateral ----

    /**
     * A deposit or withdrawal.
     *
     * @param asset     asset symbol
     * @param amount    positive amount in asset units
     * @param reference optional free text (e.g. a transaction hash)
     */
    public record Movement(@NotBlank String asset,
            @NotNull @Positive @Digits(integer = 20, fraction = 18) BigDecimal amount,
            @Size(max = 200) String reference) {
    }

    /**
     * A deposit or withdrawal of the cross pool.
     *
     * @param asset       asset symbol
     * @param amount      positive amount in asset units
     * @param reference   optional free text
     * @param externalRef optional identifier of the movement in the integrator's system (for example a transaction
     *                    hash), 1 to 200 printable ASCII characters, unique per tenant across deposits and
     *                    withdrawals: a retry with the same externalRef and the same content answers the booked
     *                    entry again (nothing is booked twice), with different content a 409 problem
     */
    public record CollateralMovement(@NotBlank String asset,
            @NotNull @Positive @Digits(integer = 20, fraction = 18) BigDecimal amount,
            @Size(max = 200) String reference,
            @Pattern(regexp = "[\\x21-\\x7E]{1,200}",
                    message = "1 to 200 printable ASCII characters") String externalRef) {
    }

    /**
     * A ledger entry.
     *
     * @param id           entry id
     * @param accountId    account
     * @param asset        asset symbol
     * @param kind         DEPOSIT, WITHDRAWAL, SYNC_ADJUSTMENT or TRANSFER (between the cross pool and an isolated
     *                     pool)
     * @param amount       signed amount
     * @param balanceAfter balance right after
     * @param reference    free text or null
     * @param createdAt    booking time
     * @param isolatedInstrument the instrument of the isolated pool the entry books; null for the cross pool
     * @param externalRef  the integrator's identifier of a deposit or withdrawal, or null
     */
    public record LedgerEntryView(UUID id, UUID accountId, String asset, String kind, BigDecimal amount,
            BigDecimal balanceAfter, String reference, OffsetDateTime createdAt, String isolatedInstrument,
            String externalRef) {
        /**
         * The view of a booked entry.
         *
         * @param b the entry
         * @return its view
         */
        public static LedgerEntryView of(LedgerService.Booked b) {
            var e = b.entry();
            return new LedgerEntryView(e.id, e.accountId, b.symbol(), e.kind.name(), e.amount, e.balanceAfter,
                    e.reference, e.createdAt, b.instrument(), e.externalRef);
        }
    }

    // ---- positions and snapshots ----

    /**
     * A position to set.
     *
     * @param quantity   signed, non-zero quantity in contracts
     * @param entryPrice positive average entry price
     */
    public record PositionChange(
            @NotNull @Digits(integer = 20, fraction = 18) BigDecimal quantity,
            @NotNull @Positive @Digits(integer = 20, fraction = 18) BigDecimal entryPrice) {
    }

    /**
     * A bulk snapshot: either list may be absent or empty, not both.
     *
     * @param positions replaces all positions of every account named here
     * @param balances  sets each named balance, booking differences in the ledger
     */
    public record Snapshot(List<SnapshotService.PositionRow> positions, List<SnapshotService.BalanceRow> balances) {
    }

}
