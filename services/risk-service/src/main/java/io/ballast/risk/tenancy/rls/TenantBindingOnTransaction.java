package io.ballast.risk.tenancy.rls;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Binds every {@code @WithTransaction} method (see {@link TenantBinding}).
 */
@WithTransaction
@Interceptor
@Priority(TenantBinding.PRIORITY)
public class TenantBindingOnTransaction {

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
