package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.testing.Repository;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every artifact any module resolves, and every jar on this test JVM's classpath, is in the README's licence
 * table, under an open-source licence. Each module writes what it resolved to target/dependencies.txt
 * (maven-dependency-plugin's list goal, bound in the parent POM before the tests run); this module is built
 * last, so every reactor module's list is there. A vendor-licensed artifact cannot be added unnoticed: it is
 * either missing from the table or listed under a licence that is not open source.
 */
class DependencyLicencesIT {

    /** SPDX identifiers (and "or" choices of them) the table may use. */
    static final Set<String> OPEN_SOURCE = Set.of("Apache-2.0", "MIT", "MIT-0", "BSD-2-Clause", "BSD-3-Clause",
            "EPL-1.0", "EPL-2.0", "MPL-2.0", "LGPL-2.1-or-later", "GPL-2.0 with Classpath exception");
    static final String SECTION = "## Dependencies and their licences";
    static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (.+) \\| (.+) \\|$");
    static final Pattern RESOLVED = Pattern.compile("^\\s+([^:\\s]+):([^:\\s]+):[^\\s]+:(compile|runtime|test|provided|system)\\b.*");

    final Path root = Repository.root();

    @Test
    void everyResolvedArtifactIsListedWithAnOpenSourceLicence() throws IOException {
        Map<String, String> table = licenceTable();
        assertThat(table).as("the README's licence table").hasSizeGreaterThan(50);
        table.forEach((artifact, licence) -> assertThat(licence.split(" or "))
                .as("%s's licence", artifact).allMatch(OPEN_SOURCE::contains));

        List<Path> lists = new ArrayList<>();
        for (String module : modules()) {
            Path list = root.resolve(module).resolve("target/dependencies.txt");
            assertThat(list).as("what %s resolved (written in its generate-test-resources phase)", module).isRegularFile();
            lists.add(list);
        }
        Path bench = root.resolve("bench/target/dependencies.txt"); // not in the reactor: checked when bench/run built it
        if (Files.isRegularFile(bench)) {
            lists.add(bench);
        }
        Set<String> unlisted = new TreeSet<>();
        int resolved = 0;
        for (Path list : lists) {
            for (String line : Files.readAllLines(list)) {
                Matcher m = RESOLVED.matcher(line);
                if (m.matches() && !m.group(1).equals("dev.genapi")) {
                    resolved++;
                    if (!table.containsKey(m.group(1) + ":" + m.group(2))) {
                        unlisted.add(m.group(1) + ":" + m.group(2) + " (" + root.relativize(list) + ")");
                    }
                }
            }
        }
        assertThat(resolved).as("artifacts resolved across the modules").isGreaterThan(100);
        assertThat(unlisted).as("resolved but not in the README's licence table").isEmpty();
    }

    @Test
    void everyJarOnThisTestClasspathIsListed() throws IOException {
        Map<String, String> table = licenceTable();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Set<String> unlisted = new TreeSet<>();
        int jars = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path jar = Path.of(entry).toAbsolutePath().normalize();
            String path = jar.toString().replace(File.separatorChar, '/');
            if (!entry.endsWith(".jar") || jar.startsWith(root) || path.contains("/dev/genapi/")) {
                continue; // the project's own classes and jars (from the reactor or the local repository)
            }
            jars++;
            // A Maven repository's layout: .../group/path/artifactId/version/artifactId-version.jar
            boolean listed = table.keySet().stream().anyMatch(ga -> {
                String[] parts = ga.split(":");
                return path.contains("/" + parts[0].replace('.', '/') + "/" + parts[1] + "/"
                        + jar.getParent().getFileName() + "/");
            });
            if (!listed) {
                unlisted.add(jar.getFileName().toString());
            }
        }
        assertThat(jars).isGreaterThan(50);
        assertThat(unlisted).as("on the test classpath but not in the README's licence table").isEmpty();
    }

    /** groupId:artifactId → licence, from the table in the README's section on licences. */
    private Map<String, String> licenceTable() throws IOException {
        Map<String, String> table = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(root.resolve("README.md"))) {
            if (line.startsWith("## ")) {
                inSection = line.equals(SECTION);
            }
            Matcher row = ROW.matcher(line);
            if (inSection && row.matches()) {
                for (String artifact : row.group(2).split(",")) {
                    table.put(row.group(1) + ":" + artifact.trim().replace("`", ""), row.group(3).trim());
                }
            }
        }
        return table;
    }

    private List<String> modules() throws IOException {
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        assertThat(modules).contains("local", "integration-tests");
        return modules;
    }
}
