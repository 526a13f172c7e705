package dev.portcullis.proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy node's layers, as code: session drives the connection and owns its state; relay,
 * audit, auth and cancel are below it and never reach back up; net is the bottom.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.portcullis.proxy");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.portcullis.proxy.(*)..")
                .should()
                .beFreeOfCycles()
                .check(production);
    }

    @Test
    void onlyTheServerAndTheSessionKnowTheSession() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.portcullis.proxy.session..", "dev.portcullis.proxy.server..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.portcullis.proxy.session..")
                .because("relay and audit see a session through RelayedSession and AuditedConnection only")
                .check(production);
    }

    @Test
    void theRelayDoesNotBuildSessionEvents() {
        noClasses()
                .that()
                .resideInAPackage("dev.portcullis.proxy.relay..")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("AccessLogs")
                .because("the session records its own start and end (SessionEvents), audit the messages (AuditTap)")
                .check(production);
    }

    @Test
    void noUtilOrCommonPackages() {
        noClasses().should().resideInAnyPackage("..util..", "..common..").check(production);
    }
}
