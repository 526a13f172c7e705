package dev.portcullis.pgwire;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps pgwire a pure protocol library: see ARCHITECTURE.md, convention 1. */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.portcullis.pgwire");
    }

    @Test
    void dependsOnTheJdkNettyBuffersAndScramOnly() {
        classes()
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..", "io.netty.buffer..", "io.netty.util..", "com.ongres..", "dev.portcullis.pgwire..")
                .because("pgwire is a pure protocol library: no Quarkus, no CDI, no sockets")
                .check(production);
    }

    @Test
    void noNettyChannelsOrSocketsEvenThroughTheJdk() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.netty.channel..", "io.netty.handler..", "java.net..", "java.nio.channels..")
                .because("the proxy wraps pgwire in Netty handlers; pgwire itself does no IO")
                .check(production);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.portcullis.pgwire.(**)")
                .should()
                .beFreeOfCycles()
                .check(production);
    }

    @Test
    void noUtilOrCommonPackages() {
        noClasses().should().resideInAnyPackage("..util..", "..common..").check(production);
    }
}
