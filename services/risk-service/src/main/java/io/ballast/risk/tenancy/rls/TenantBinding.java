package io.ballast.risk.tenancy.rls;

import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.interceptor.InvocationContext;
import java.util.function.Supplier;

/**
 * Binds every Panache unit of work to its tenant, so that no service or repository has to remember it: a
 * {@code @WithTransaction} or {@code @WithSession} method (on the method or its class, repositories included) whose
 * parameters include a {@link TenantId} runs in a transaction (joined if one is open, opened otherwise) bound to that
 * tenant ({@link RowSecurity#bindTenant}); a {@link CrossTenant} method runs in one opened to every tenant. Any other
 * such method runs unbound, and row-level security shows it no tenant's rows.
 *
 * <p>Runs inside Panache's own interceptors (priority 200), so the session exists when it binds. The tenant still
 * comes only from the verified token: services receive it as a value ({@code TenantAccess}).
 */
final class TenantBinding {

    /** Runs inside Panache's own interceptors (priority 200), so the session exists when it binds. */
    static final int PRIORITY = jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE + 210;

    private TenantBinding() {
    }

    /**
     * Binds the invocation's unit of work, then proceeds.
     *
     * @param context the intercepted invocation
     * @return the method's result; a {@code Uni} runs in a transaction bound to its tenant (or every tenant)
     * @throws Exception what the method throws
     */
    static Object bind(InvocationContext context) throws Exception {
        if (!Uni.class.isAssignableFrom(context.getMethod().getReturnType())) {
            return context.proceed();
        }
        Supplier<Uni<Void>> binding = binding(context);
        if (binding == null) {
            return context.proceed();
        }
        return Panache.withTransaction(() -> binding.get().chain(() -> proceed(context)));
    }

    private static Supplier<Uni<Void>> binding(InvocationContext context) {
        if (context.getMethod().isAnnotationPresent(CrossTenant.class)) {
            return RowSecurity::bindPlatform;
        }
        for (Object parameter : context.getParameters()) {
            if (parameter instanceof TenantId tenant) {
                return () -> RowSecurity.bindTenant(tenant);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Uni<Object> proceed(InvocationContext context) {
        try {
            return (Uni<Object>) context.proceed();
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
    }
}
