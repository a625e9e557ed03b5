package io.github.kinesisconsumer;

import io.github.kinesisconsumer.annotation.Internal;
import io.github.kinesisconsumer.annotation.PublicEvolving;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules: the Flink-free core stays Flink-free, no two packages depend on each other in
 * a circle, every public type says whether users may build on it, and the public API does not hand
 * out internal types.
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

    @Test
    void everyPublicTypeCarriesExactlyOneStabilityLabel() {
        classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .and()
                .resideOutsideOfPackage("io.github.kinesisconsumer.annotation..")
                .and()
                .doNotHaveSimpleName("package-info")
                .should(carryExactlyOneLabel())
                .check(main);
    }

    @Test
    void publicApiMethodsDoNotExposeInternalTypes() {
        methods()
                .that()
                .arePublic()
                .and()
                .areDeclaredInClassesThat()
                .areAnnotatedWith(PublicEvolving.class)
                .should(new NotExposingInternalTypes())
                .check(main);
    }

    private static ArchCondition<JavaClass> carryExactlyOneLabel() {
        return new ArchCondition<>("carry exactly one of @PublicEvolving and @Internal") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean evolving = type.isAnnotatedWith(PublicEvolving.class);
                boolean internal = type.isAnnotatedWith(Internal.class);
                if (evolving == internal) {
                    events.add(
                            SimpleConditionEvent.violated(
                                    type,
                                    type.getName()
                                            + (evolving
                                                    ? " carries both labels"
                                                    : " has no label")));
                }
            }
        };
    }

    /** Return and parameter types of a public API method are not internal types. */
    private static final class NotExposingInternalTypes extends ArchCondition<JavaMethod> {

        NotExposingInternalTypes() {
            super("not expose @Internal types in their signatures");
        }

        @Override
        public void check(JavaMethod method, ConditionEvents events) {
            List<JavaClass> used = new ArrayList<>();
            used.add(method.getRawReturnType());
            used.addAll(method.getRawParameterTypes());
            for (JavaClass type : used) {
                JavaClass outer = type;
                while (outer.getEnclosingClass().isPresent()) {
                    outer = outer.getEnclosingClass().get();
                }
                if (outer.isAnnotatedWith(Internal.class)) {
                    events.add(
                            SimpleConditionEvent.violated(
                                    method,
                                    method.getFullName() + " exposes internal " + type.getName()));
                }
            }
        }
    }
}
