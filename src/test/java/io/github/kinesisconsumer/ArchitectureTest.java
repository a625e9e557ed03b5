package io.github.kinesisconsumer;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules: the Flink-free core stays Flink-free, and no two packages depend on each other
 * in a circle.
 */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.github.kinesisconsumer");
    }

    @Test
    void theCoreNeverUsesFlink() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.github.kinesisconsumer.kinesis..",
                        "io.github.kinesisconsumer.store..",
                        "io.github.kinesisconsumer.consumer..",
                        "io.github.kinesisconsumer.group..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.flink..")
                .because("the standalone consumer, the stores and groups run without Flink")
                .check(main);
    }

    @Test
    void packagesFormNoCircle() {
        slices().matching("io.github.kinesisconsumer.(**)").should().beFreeOfCycles().check(main);
    }
}
