package io.ballast.risk.tenancy.rls;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Binds every {@code @WithSession} method (see {@link TenantBinding}): a tenant-bound method gets a transaction of
 * its own if none is open, because the setting lives as long as a transaction.
 */
@WithSession
@Interceptor
@Priority(TenantBinding.PRIORITY)
public class TenantBindingOnSession {

    /**
     * Binds the unit of work to its tenant (or to every tenant for a {@link CrossTenant} method), then proceeds.
     *
     * @param context the invocation
     * @return the method's result; a {@code Uni} runs bound
     * @throws Exception what the method throws
     */
    @AroundInvoke
    public Object bind(InvocationContext context) throws Exception {
        return TenantBinding.bind(context);
    }
}
