package io.ballast.risk.tenancy.rls;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code @WithTransaction} or {@code @WithSession} method whose work legitimately spans tenants (platform
 * work: the outbox relay, the live loop's ownership, the scheduled sweeps and jobs, the price fan-out): its
 * transaction is opened to every tenant's rows ({@link RowSecurity#PLATFORM_SETTING}) instead of bound to one.
 *
 * <p>Every use is listed, with its reason, in docs/security.md "Row-level security"; {@code grep -rn CrossTenant}
 * finds them. A request on behalf of a tenant never takes this path.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CrossTenant {

    /** @return why this work spans tenants, in one sentence (for the reader; not used at run time) */
    String value();
}
