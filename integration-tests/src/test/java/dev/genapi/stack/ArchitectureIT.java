package dev.genapi.stack;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape the code keeps, checked on the main classes (the tests share their packages and are left out):
 * the layers' packages depend one way, the core layer knows neither the model layer nor a function, and the
 * functions know each other not at all; the functions without model code stay without it.
 */
@AnalyzeClasses(packages = "dev.genapi", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureIT {

    static final String[] FUNCTIONS = {"dev.genapi.generate..", "dev.genapi.worker..", "dev.genapi.status..",
            "dev.genapi.webhook..", "dev.genapi.authorizer.."};

    @ArchTest
    static final ArchRule theCoreLayersPackagesHaveNoCycles = slices().matching("dev.genapi.core.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theCoreLayerKnowsNoModelFunctionOrLocalStack = noClasses().that().resideInAPackage("dev.genapi.core..")
            .should().dependOnClassesThat().resideInAnyPackage(with("dev.genapi.model..", "dev.genapi.local..", "dev.genapi.bench.."));

    @ArchTest
    static final ArchRule theModelLayerKnowsNoFunctionOrLocalStack = noClasses().that().resideInAPackage("dev.genapi.model..")
            .should().dependOnClassesThat().resideInAnyPackage(with("dev.genapi.local..", "dev.genapi.bench.."));

    @ArchTest
    static final ArchRule noFunctionKnowsAnother = slices().matching("dev.genapi.(generate|worker|status|webhook|authorizer)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule onlyTheGeneratingFunctionsCarryModelCode = noClasses()
            .that().resideInAnyPackage("dev.genapi.status..", "dev.genapi.webhook..", "dev.genapi.authorizer..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.genapi.model..", "dev.langchain4j..");

    private static String[] with(String... more) {
        String[] all = new String[FUNCTIONS.length + more.length];
        System.arraycopy(FUNCTIONS, 0, all, 0, FUNCTIONS.length);
        System.arraycopy(more, 0, all, FUNCTIONS.length, more.length);
        return all;
    }
}
