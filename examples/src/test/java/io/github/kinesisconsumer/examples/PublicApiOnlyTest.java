package io.github.kinesisconsumer.examples;

import io.github.kinesisconsumer.annotation.Internal;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The examples are what users copy: they build only on the library's labelled public API. */
class PublicApiOnlyTest {

    @Test
    void examplesUseNoInternalType() {
        JavaClasses examples =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.github.kinesisconsumer.examples");
        noClasses()
                .should()
                .dependOnClassesThat()
                .areAnnotatedWith(Internal.class)
                .because("internal types may change in any release")
                .check(examples);
    }
}
