package org.dataloop.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/** The chart under test, rendered and linted by the real helm (helm-java embeds it as a native library). */
final class Chart {
    static final Path DIR = Path.of(System.getProperty("chart.dir", "dataloop")).toAbsolutePath();
    static final String RELEASE = "dataloop";
    static final String NAMESPACE = "dataloop";
    /** values.yaml alone, then each environment overlay. */
    static final List<String> ENVIRONMENTS = List.of("values.yaml", "values-dev.yaml", "values-prod.yaml");
    /** helm template's default (1.20) is below the chart's kubeVersion. */
    static final String KUBE_VERSION = "v1.30.0";
    static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {}

    /** Renders the chart with an optional overlay file (null or values.yaml = the defaults only) and --set pairs. */
    static String template(String valuesFile, Map<String, Object> sets) {
        return template(DIR, valuesFile, sets);
    }

    /** As {@link #template(String, Map)}, of the chart in {@code chartDir} (e.g. a copy with another version). */
    static String template(Path chartDir, String valuesFile, Map<String, Object> sets) {
        return template(chartDir, RELEASE, valuesFile, sets);
    }

    /** As {@link #template(Path, String, Map)}, as the release {@code release}. */
    static String template(Path chartDir, String release, String valuesFile, Map<String, Object> sets) {
        TemplateCommand cmd = new Helm(chartDir).template().withName(release).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        if (valuesFile != null && !valuesFile.equals("values.yaml")) cmd = cmd.withValuesFile(chartDir.resolve(valuesFile));
        for (Map.Entry<String, Object> e : sets.entrySet()) cmd = cmd.set(e.getKey(), e.getValue());
        return cmd.call();
    }

    static String template(String valuesFile) {
        return template(valuesFile, Map.of());
    }

    /** Every non-empty document of a rendered manifest. */
    static List<JsonNode> documents(String manifest) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifest)) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isMissingNode() && d.size() > 0) docs.add(d);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /** The rendered FlinkDeployments by name. */
    static Map<String, JsonNode> flinkDeployments(String manifest) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode d : documents(manifest)) {
            if ("FlinkDeployment".equals(d.path("kind").asText())) out.put(d.path("metadata").path("name").asText(), d);
        }
        return out;
    }

    /**
     * {@code helm lint --strict -f <valuesFile>}: helm-java's lint takes no values file, so the overlay is
     * merged over values.yaml (helm's own rule: maps merge deeply, everything else is replaced) into a copy
     * of the chart, which is then linted.
     */
    static LintResult lintStrict(String valuesFile, Path workDir) {
        return lintStrict(valuesFile.equals("values.yaml") ? null : DIR.resolve(valuesFile), workDir);
    }

    /** As above with any overlay file (null: values.yaml alone). */
    static LintResult lintStrict(Path overlayFile, Path workDir) {
        String label = overlayFile == null ? "values" : overlayFile.getFileName().toString().replace(".yaml", "");
        Path copy = workDir.resolve(label).resolve(DIR.getFileName());
        try {
            copyTree(DIR, copy);
            if (overlayFile != null) {
                JsonNode base = YAML.readTree(DIR.resolve("values.yaml").toFile());
                JsonNode overlay = YAML.readTree(overlayFile.toFile());
                merge((ObjectNode) base, overlay);
                YAML.writeValue(copy.resolve("values.yaml").toFile(), base);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    static void merge(ObjectNode base, JsonNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> it = overlay.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = base.get(e.getKey());
            if (current instanceof ObjectNode o && e.getValue().isObject()) merge(o, e.getValue());
            else if (e.getValue().isNull()) base.remove(e.getKey());
            else base.set(e.getKey(), e.getValue());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
