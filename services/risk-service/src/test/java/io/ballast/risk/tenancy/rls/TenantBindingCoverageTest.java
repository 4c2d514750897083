package io.ballast.risk.tenancy.rls;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Panache unit of work of the service is bound to a tenant (a {@link TenantId} parameter) or declared platform
 * work ({@link CrossTenant}), except the few listed here with their reason: a new {@code @WithTransaction} or
 * {@code @WithSession} method that is neither fails this test, so leaving a unit of work unbound is a decision
 * written down, not an accident (row-level security would show it nothing).
 */
class TenantBindingCoverageTest {

    /** Unbound on purpose: the method, and why it needs no binding of its own. */
    private static final Set<String> UNBOUND = Set.of(
            // the tenant table has no tenant_id column and no policy
            "TenantRepository.page", "TenantRepository.findBySlug",
            // called only from GovernanceService.sweep, which is @CrossTenant
            "ProposalRepository.dueForUpdate",
            // called only from SettlementService.due, which is @CrossTenant (the settlement job's scan)
            "SettlementRepository.due",
            // joins the caller's transaction: SettlementService.settle, bound to the instrument's tenant
            "SettlementRepository.persistSettlement",
            // take the tenant as a UUID; called from tenant-bound service methods (OracleConfigService,
            // OracleStatusService), whose transaction they join
            "OracleRepository.versions", "OracleRepository.sourceTicksOfTenant",
            "OracleRepository.pricesInForceOfTenant", "OracleRepository.configsOfTenant",
            // the interceptors themselves
            "TenantBindingOnTransaction.bind", "TenantBindingOnSession.bind");

    @Test
    void everyPanacheUnitOfWorkIsBoundToATenantOrDeclaredPlatformWorkOrListedWithItsReason() throws Exception {
        Path classes = Path.of(TenantBinding.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> unbound = new TreeSet<>();
        for (Class<?> type : serviceClasses(classes)) {
            boolean classLevel = type.isAnnotationPresent(WithTransaction.class)
                    || type.isAnnotationPresent(WithSession.class);
            for (Method m : type.getDeclaredMethods()) {
                if (m.isSynthetic() || Modifier.isPrivate(m.getModifiers()) || Modifier.isStatic(m.getModifiers())
                        || !(classLevel || m.isAnnotationPresent(WithTransaction.class)
                                || m.isAnnotationPresent(WithSession.class))
                        || m.isAnnotationPresent(CrossTenant.class)
                        || Arrays.asList(m.getParameterTypes()).contains(TenantId.class)) {
                    continue;
                }
                unbound.add(type.getSimpleName() + "." + m.getName());
            }
        }
        assertThat(unbound).as("Panache units of work bound to no tenant and not @CrossTenant")
                .isSubsetOf(UNBOUND);
        assertThat(unbound).as("the list above names only methods that exist").containsAll(UNBOUND);
    }

    @Test
    void programmaticTransactionsAndTheSqlClientGoThroughRowSecurity() throws IOException {
        Path sources = Path.of("src/main/java/io/ballast/risk");
        assertThat(sources).as("run from the module directory").isDirectory();
        Set<String> offenders = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (f.endsWith("RowSecurity.java") || f.endsWith("TenantBinding.java")) {
                    continue;
                }
                String text = Files.readString(f);
                // a Panache transaction or an SQL-client statement that binds no tenant sees no tenant's rows
                for (String unbound : List.of("Panache.withTransaction(", "pool.withTransaction(",
                        "pool.withConnection(")) {
                    if (text.contains(unbound)) {
                        offenders.add(sources.relativize(f) + ": " + unbound);
                    }
                }
            }
        }
        assertThat(offenders).as("use RowSecurity.transaction / inTenant / acrossTenants instead").isEmpty();
    }

    private static List<Class<?>> serviceClasses(Path classes) throws IOException, URISyntaxException {
        Path root = classes.resolve("io/ballast/risk");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".class")).map(f -> classes.relativize(f).toString())
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .map(TenantBindingCoverageTest::load).filter(c -> c != null).toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, TenantBindingCoverageTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
